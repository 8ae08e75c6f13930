import { describe, expect, it } from 'vitest';
import type { SubscriptionRunner } from '../../infra/subscriptions/index.ts';
import { countOf, freshProjection, newProduct, start } from './counter-projection.ts';
import { checkpointOf, eventually, freshReaction, pool, productStream, seenOf, startReaction, useReactionTestbed } from './recording-reaction.ts';

useReactionTestbed('fenced_runner_standby');

/**
 * What a worker that took the group over behind the back of the one running it does: bump the epoch
 * (so the running one's next commit is fenced), and hold the lock (queued behind the running one's
 * until that one lets go). `release()` is that worker dying.
 */
async function takeOverBehindTheBack(name: string): Promise<{ holding: Promise<unknown>; release(): Promise<void> }> {
  const client = await pool.connect();
  await client.query('UPDATE checkpoints SET epoch = epoch + 1 WHERE name = $1', [name]);
  const holding = client.query("SELECT pg_advisory_lock(hashtext('projection:' || $1))", [name]);
  return {
    holding,
    release: async () => {
      await holding;
      client.release(true); // the session ends, and its lock with it
    },
  };
}

const fastBackoff = { maxBackoffMs: 200 };

describe('a projection runner fenced by another worker', () => {
  it('commits nothing more, goes back to standby, and takes over again once that worker is gone', async () => {
    const projection = await freshProjection();
    const runner: SubscriptionRunner = start(projection, fastBackoff);
    await eventually(() => runner.status().state === 'live');
    const before = await checkpointOf(projection.name);
    const other = await takeOverBehindTheBack(projection.name);

    const late = await newProduct();
    await other.holding; // the fenced runner let go of the lock
    await eventually(() => runner.status().state === 'standby');
    expect(await countOf(projection.name, late.stream)).toBe(0);
    expect(await checkpointOf(projection.name)).toBe(before);

    await other.release();
    const later = await newProduct();
    await eventually(async () => (await countOf(projection.name, later.stream)) === 1);
    await eventually(() => runner.status().state === 'live');
    expect(await countOf(projection.name, late.stream)).toBe(1);
    await runner.stop();
  });

  it('hands over to a standby runner of its own group, and is the standby that takes over when that one stops', async () => {
    const projection = await freshProjection();
    const first = start(projection, fastBackoff);
    await eventually(() => first.status().state === 'live');
    const second = start(projection, fastBackoff);
    await pool.query('UPDATE checkpoints SET epoch = epoch + 1 WHERE name = $1', [projection.name]);

    const a = await newProduct();
    await eventually(async () => (await countOf(projection.name, a.stream)) === 1);
    await eventually(() => second.status().state === 'live');
    await eventually(() => first.status().state === 'standby');

    await second.stop();
    const b = await newProduct();
    await eventually(async () => (await countOf(projection.name, b.stream)) === 1);
    await eventually(() => first.status().state === 'live');
    expect(await countOf(projection.name, a.stream)).toBe(1);
    await first.stop();
  });
});

describe('a reaction runner fenced by another worker', () => {
  it('commits nothing more, goes back to standby, and takes over again once that worker is gone', async () => {
    const reaction = await freshReaction();
    const runner = startReaction(reaction, fastBackoff);
    await eventually(() => runner.status().state === 'live');
    const before = await checkpointOf(reaction.name);
    const other = await takeOverBehindTheBack(reaction.name);

    const late = await productStream(1);
    await other.holding;
    await eventually(() => runner.status().state === 'standby');
    expect(await checkpointOf(reaction.name)).toBe(before);

    await other.release();
    const later = await productStream(1);
    await eventually(async () => (await seenOf(reaction.name, later.stream)).length === 1);
    await eventually(async () => (await checkpointOf(reaction.name)) >= later.positions[0]!);
    await eventually(() => runner.status().state === 'live');
    expect(await seenOf(reaction.name, late.stream)).toEqual(late.positions);
    await runner.stop();
  });

  it('hands over to a standby runner of its own group, and is the standby that takes over when that one stops', async () => {
    const reaction = await freshReaction();
    const first = startReaction(reaction, fastBackoff);
    await eventually(() => first.status().state === 'live');
    const second = startReaction(reaction, fastBackoff);
    await pool.query('UPDATE checkpoints SET epoch = epoch + 1 WHERE name = $1', [reaction.name]);

    const a = await productStream(1);
    await eventually(async () => (await checkpointOf(reaction.name)) >= a.positions[0]!);
    await eventually(() => second.status().state === 'live');
    await eventually(() => first.status().state === 'standby');

    await second.stop();
    const b = await productStream(1);
    await eventually(async () => (await seenOf(reaction.name, b.stream)).length === 1);
    await eventually(async () => (await checkpointOf(reaction.name)) >= b.positions[0]!);
    await eventually(() => first.status().state === 'live');
    expect(await seenOf(reaction.name, a.stream)).toEqual(a.positions);
    await first.stop();
  });
});
