import { setTimeout as sleep } from 'node:timers/promises';
import { v4 as uuid } from 'uuid';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger.ts';
import {
  appendTo,
  checkpointOf,
  eventually,
  freshReaction,
  gate,
  productStream,
  seenOf,
  startReaction,
  store,
  useReactionTestbed,
} from './recording-reaction.ts';

useReactionTestbed('reaction_delivery');

/*
 * Other test files append product events to the same esdb-dev meanwhile: the reaction handles those too,
 * so every check looks at this test's own keys and positions only.
 */

describe('a reaction runner', () => {
  it("handles a key's events one at a time in $all order, while a slow key holds up no other key", async () => {
    const reaction = await freshReaction();
    const slow = await productStream(1);
    const held = gate();
    reaction.slow.set(slow.stream, { gate: held });
    const runner = startReaction(reaction);
    await eventually(() => reaction.calls.some((call) => call.key === slow.stream));
    await appendTo(slow, 3); // queued behind the held one

    const others = [await productStream(3), await productStream(3)];
    for (const other of others) await eventually(async () => (await seenOf(reaction.name, other.stream)).length === 3);
    expect(await seenOf(reaction.name, slow.stream)).toEqual([]);
    expect(reaction.calls.filter((call) => call.key === slow.stream)).toHaveLength(1); // the next waits its turn

    held.open();
    await eventually(async () => (await seenOf(reaction.name, slow.stream)).length === 4);
    expect(await seenOf(reaction.name, slow.stream)).toEqual(slow.positions);
    for (const other of others) expect(await seenOf(reaction.name, other.stream)).toEqual(other.positions);
    expect(reaction.mostConcurrentPerKey()).toBe(1);
    expect(runner.status()).toMatchObject({ state: 'live', parkedKeys: [] });
    await runner.stop();
    expect(runner.status().state).toBe('stopped');
  });

  it('never commits a checkpoint past an event whose handler has not finished', async () => {
    const reaction = await freshReaction();
    const before = await checkpointOf(reaction.name);
    const slow = await productStream(1);
    const held = gate();
    reaction.slow.set(slow.stream, { gate: held });
    const runner = startReaction(reaction);
    const after = await productStream(2);
    await eventually(async () => (await seenOf(reaction.name, after.stream)).length === 2);
    await sleep(300); // several commit intervals: the committer had every chance to move on

    const held1 = slow.positions[0]!;
    const pending = await checkpointOf(reaction.name);
    expect(pending).toBeGreaterThanOrEqual(before);
    expect(pending).toBeLessThan(held1);
    expect(runner.status().position).toBe(pending);

    held.open();
    await eventually(() => (runner.status().position ?? 0n) >= after.positions[1]!);
    expect(await checkpointOf(reaction.name)).toBeGreaterThanOrEqual(after.positions[1]!);
    await runner.stop();
  });

  it('moves its checkpoint past events it does not handle, by the filter\'s checkpoints and over a quiet tail', async () => {
    const reaction = await freshReaction();
    const runner = startReaction(reaction);
    await eventually(() => runner.status().state === 'live');
    for (const count of [64, 5]) {
      const noise = Array.from({ length: count }, (_, n) => ({ id: uuid(), type: 'TestNoise', data: { n } }));
      const { position } = await store.append(`noise-${uuid()}`, noise, 'no_stream');
      await eventually(() => (runner.status().position ?? 0n) >= position);
      expect(await checkpointOf(reaction.name)).toBeGreaterThanOrEqual(position);
    }
    await runner.stop();
  });

  it('after a stop, starts again past its checkpoint: nothing handled again, nothing lost', async () => {
    const reaction = await freshReaction();
    const first = startReaction(reaction);
    const a = await productStream(3);
    await eventually(async () => (await checkpointOf(reaction.name)) >= a.positions[2]!);
    await first.stop();
    const stoppedAt = await checkpointOf(reaction.name);

    const b = await productStream(2);
    reaction.calls.length = 0;
    const second = startReaction(reaction);
    await eventually(async () => (await seenOf(reaction.name, b.stream)).length === 2);
    expect(reaction.calls.every((call) => call.position > stoppedAt)).toBe(true);
    expect(reaction.calls.some((call) => call.key === a.stream)).toBe(false);
    await second.stop();
  });

  it('on stop, aborts handlers in flight and waits for them; what they left unfinished comes again', async () => {
    const reaction = await freshReaction();
    const stubborn = await productStream(1);
    const polite = await productStream(1);
    const stubbornGate = gate();
    reaction.slow.set(stubborn.stream, { gate: stubbornGate, ignoresAbort: true });
    reaction.slow.set(polite.stream, { gate: gate() });
    const runner = startReaction(reaction);
    await eventually(() => reaction.calls.filter((call) => [stubborn.stream, polite.stream].includes(call.key)).length === 2);

    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await eventually(() => reaction.aborted.some((call) => call.key === polite.stream));
    await sleep(200);
    expect(stopped).toBe(false); // the stubborn handler still runs
    stubbornGate.open();
    await stopping;
    expect(await checkpointOf(reaction.name)).toBeLessThan(polite.positions[0]!);

    reaction.slow.clear();
    const again = startReaction(reaction);
    await eventually(async () => (await seenOf(reaction.name, polite.stream)).length === 1);
    expect(await seenOf(reaction.name, stubborn.stream)).toEqual(stubborn.positions);
    await again.stop();
  });

  it('reads at most maxInFlight events past its committed checkpoint, and goes on once it moves', async () => {
    const maxInFlight = 5;
    const reaction = await freshReaction({ maxInFlight });
    const slow = await productStream(1);
    const held = gate();
    reaction.slow.set(slow.stream, { gate: held });
    const runner = startReaction(reaction);
    await eventually(() => reaction.calls.some((call) => call.key === slow.stream));
    const others = await Promise.all(Array.from({ length: 12 }, () => productStream(1)));

    // Every event after the held one lies above the checkpoint: only maxInFlight − 1 of them are read.
    const readPast = () => reaction.calls.filter((call) => call.position > slow.positions[0]!).length;
    await eventually(() => readPast() === maxInFlight - 1);
    await sleep(300);
    expect(readPast()).toBe(maxInFlight - 1);

    held.open();
    for (const other of others) await eventually(async () => (await seenOf(reaction.name, other.stream)).length === 1);
    await runner.stop();
  });

  it('logs its progress while catching up, and once when it reaches the head', async () => {
    const reaction = await freshReaction({ maxInFlight: 10 });
    const streams = [];
    for (let n = 0; n < 10; n++) streams.push(await productStream(4));
    const lines: Array<{ msg: string; handled?: number; position?: string }> = [];
    const captured = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const runner = startReaction(reaction, { logger: captured, progressEveryMs: 0, commitIntervalMs: 5 });
    await eventually(() => lines.some((line) => line.msg === 'reaction caught up'));
    const progress = lines.filter((line) => line.msg === 'reaction catching up');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((line) => line.position !== undefined && typeof line.handled === 'number')).toBe(true);
    expect(lines.filter((line) => line.msg === 'reaction caught up')).toHaveLength(1);
    for (const stream of streams) await eventually(async () => (await seenOf(reaction.name, stream.stream)).length === 4);
    await runner.stop();
  });
});
