import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  checkpointOf,
  countOf,
  eventually,
  freshProjection,
  newProduct,
  pool,
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

  it('never commits once its epoch was bumped by another worker', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    await eventually(() => runner.status().state === 'live');
    const before = await checkpointOf(projection.name);
    await pool.query('UPDATE checkpoints SET epoch = epoch + 1 WHERE name = $1', [projection.name]);

    const late = await newProduct();
    await eventually(() => runner.status().state === 'stopped');
    expect(runner.status().stoppedBecause).toMatch(/epoch/);
    expect(await countOf(projection.name, late.stream)).toBe(0);
    expect(await checkpointOf(projection.name)).toBe(before);
    await runner.stop();
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
