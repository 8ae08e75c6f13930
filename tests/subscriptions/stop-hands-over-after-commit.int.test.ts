import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { checkpointOf, eventually, freshReaction, gate, productStream, startReaction, useReactionTestbed } from './recording-reaction.ts';

useReactionTestbed('stop_hands_over_after_commit');

// Commits only when a session ends: what a stop commits is all there is to see.
const commitsOnlyAtTheEnd = { commitIntervalMs: 600_000 };

describe('a runner stopped while a standby waits', () => {
  it('keeps the lock until its session has ended and committed, so its last checkpoint is never fenced', async () => {
    const reaction = await freshReaction();
    const slow = await productStream(1);
    const held = gate();
    reaction.slow.set(slow.stream, { gate: held, ignoresAbort: true });
    const first = startReaction(reaction, commitsOnlyAtTheEnd);
    await eventually(() => reaction.calls.some((call) => call.key === slow.stream));
    const second = startReaction(reaction, commitsOnlyAtTheEnd);

    const stopping = first.stop();
    await sleep(500); // many lock waits long: a standby handed the lock at once would be running by now
    const secondWhileStopping = second.status().state;
    held.open();
    await stopping;
    expect(secondWhileStopping).toBe('standby');
    expect(await checkpointOf(reaction.name)).toBeGreaterThanOrEqual(slow.positions[0]!);
    await eventually(() => second.status().state === 'live');
    await second.stop();
  });
});
