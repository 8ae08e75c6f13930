import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  appendTo,
  checkpointOf,
  eventually,
  freshReaction,
  gate,
  pool,
  productStream,
  seenOf,
  startReaction,
  useReactionTestbed,
} from './recording-reaction.ts';

useReactionTestbed('reaction_exclusivity');

describe('two runners of one reaction', () => {
  it('runs one at a time: the second waits for the lock and takes over when the first stops', async () => {
    const reaction = await freshReaction();
    const first = startReaction(reaction);
    await eventually(() => first.status().state === 'live');
    const second = startReaction(reaction);
    const a = await productStream(2);
    await eventually(async () => (await seenOf(reaction.name, a.stream)).length === 2);
    expect(second.status().state).toBe('standby');

    const firstStillActive = second.status().state === 'standby';
    await first.stop();
    // A clean stop commits what was handled before it lets go of the lock.
    if (firstStillActive) {
      expect(await checkpointOf(reaction.name)).toBeGreaterThanOrEqual(a.positions.at(-1)!);
    }
    // What the stopped runner committed is never delivered again. (Delivery is at least once: under load a
    // session of the first may fail and hand over early, from an older checkpoint; only this is promised.)
    await eventually(async () => (await checkpointOf(reaction.name)) >= a.positions.at(-1)!);
    const committed = await checkpointOf(reaction.name);
    const callsBefore = reaction.calls.length;
    const b = await productStream(2);
    await eventually(async () => (await seenOf(reaction.name, b.stream)).length === 2);
    await eventually(() => second.status().state === 'live');
    const again = reaction.calls.slice(callsBefore).filter((call) => call.position <= committed);
    expect(again).toEqual([]);
    await second.stop();
  });
});

describe('a reaction session that fails', () => {
  it('aborts and awaits its handlers before the next session, which delivers their events again', async () => {
    const reaction = await freshReaction();
    const slow = await productStream(1);
    const held = gate();
    reaction.slow.set(slow.stream, { gate: held });
    const runner = startReaction(reaction);
    await eventually(() => reaction.calls.some((call) => call.key === slow.stream));

    await pool.query(`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    await eventually(() => reaction.aborted.some((call) => call.key === slow.stream));
    await appendTo(slow, 1); // a later event of the key: it must wait for the redelivered first one
    held.open();
    await eventually(async () => (await seenOf(reaction.name, slow.stream)).length === 2, 20_000);
    expect(await seenOf(reaction.name, slow.stream)).toEqual(slow.positions);
    expect(reaction.calls.filter((call) => call.position === slow.positions[0]).length).toBeGreaterThanOrEqual(2);
    expect(reaction.mostConcurrentPerKey()).toBe(1);
    await eventually(() => runner.status().state === 'live', 20_000);
    await runner.stop();
  });

  it('lets no new session run a key while a handler of the old one, deaf to the abort, still runs', async () => {
    const reaction = await freshReaction();
    const stubborn = await productStream(1);
    const held = gate();
    reaction.slow.set(stubborn.stream, { gate: held, ignoresAbort: true });
    const runner = startReaction(reaction, { maxBackoffMs: 50 });
    await eventually(() => reaction.calls.some((call) => call.key === stubborn.stream));

    await pool.query(`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    await appendTo(stubborn, 1);
    const other = await productStream(1);
    await sleep(500); // many backoffs long: a session that did not wait would have started by now
    expect(reaction.calls.filter((call) => call.key === stubborn.stream)).toHaveLength(1);

    held.open();
    await eventually(async () => (await seenOf(reaction.name, stubborn.stream)).length === 2, 20_000);
    await eventually(async () => (await seenOf(reaction.name, other.stream)).length === 1, 20_000);
    expect(await seenOf(reaction.name, stubborn.stream)).toEqual(stubborn.positions);
    expect(reaction.mostConcurrentPerKey()).toBe(1);
    await runner.stop();
  });
});
