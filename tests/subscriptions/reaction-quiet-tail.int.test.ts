import { v4 as uuid } from 'uuid';
import { describe, expect, it } from 'vitest';
import { checkpointOf, eventually, freshReaction, gate, productStream, startReaction, store, useReactionTestbed } from './recording-reaction.ts';

useReactionTestbed('reaction_quiet_tail');

describe('a live reaction runner whose last handled event was still in flight when it read on', () => {
  // The saga's usual end: it handles a fact, appends its answer (which it does not handle), and all goes quiet.
  it('moves its checkpoint over the quiet tail once the handler finishes', async () => {
    const reaction = await freshReaction();
    const slow = await productStream(1);
    const held = gate();
    reaction.slow.set(slow.stream, { gate: held });
    const runner = startReaction(reaction);
    await eventually(() => runner.status().state === 'live' && reaction.calls.some((call) => call.key === slow.stream));
    const noise = Array.from({ length: 3 }, (_, n) => ({ id: uuid(), type: 'TestNoise', data: { n } }));
    const { position: tail } = await store.append(`noise-${uuid()}`, noise, 'no_stream');

    held.open();
    await eventually(() => (runner.status().position ?? 0n) >= tail);
    expect(await checkpointOf(reaction.name)).toBeGreaterThanOrEqual(tail);
    await runner.stop();
  });
});
