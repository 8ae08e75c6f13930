import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  countOf,
  eventually,
  freshProjection,
  newProduct,
  start,
  useRunnerTestbed,
} from './counter-projection.ts';

useRunnerTestbed('runner_exclusivity');

describe('two runners of one projection', () => {
  it('runs one at a time: the second waits for the lock and takes over when the first stops', async () => {
    const projection = await freshProjection();
    const first = start(projection);
    await eventually(() => first.status().state === 'live');
    const second = start(projection);
    const a = await newProduct(1);
    await eventually(async () => (await countOf(projection.name, a.stream)) === 2);
    expect(second.status().state).toBe('standby');

    await first.stop();
    const b = await newProduct(1);
    await eventually(async () => (await countOf(projection.name, b.stream)) === 2);
    await eventually(() => second.status().state === 'live');
    expect(await countOf(projection.name, a.stream)).toBe(2);
    await second.stop();
  });

  it('stops a waiting runner at once, giving back its connection', async () => {
    const projection = await freshProjection();
    const first = start(projection);
    await eventually(() => first.status().state === 'live');
    const second = start(projection);
    await sleep(100);
    expect(second.status().state).toBe('standby');
    await second.stop();
    expect(second.status().state).toBe('stopped');
    expect(first.status().state).toBe('live');
    await first.stop();
  });
});
