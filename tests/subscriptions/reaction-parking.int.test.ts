import { describe, expect, it } from 'vitest';
import { retryParkedReaction } from '../../infra/subscriptions/index.ts';
import {
  appendTo,
  checkpointOf,
  deadLettersOf,
  eventually,
  freshReaction,
  gate,
  logger,
  pool,
  productStream,
  seenOf,
  startReaction,
  useReactionTestbed,
} from './recording-reaction.ts';

useReactionTestbed('reaction_parking');

describe('a reaction whose handler fails transiently', () => {
  it('retries the same event with backoff while other keys flow, then goes on: nothing parked', async () => {
    const reaction = await freshReaction();
    const flaky = await productStream(1);
    reaction.transientFailures.set(flaky.stream, 3);
    const runner = startReaction(reaction);
    await appendTo(flaky, 1);
    const other = await productStream(2);
    await eventually(async () => (await seenOf(reaction.name, flaky.stream)).length === 2);
    expect(await seenOf(reaction.name, flaky.stream)).toEqual(flaky.positions);
    expect(reaction.calls.filter((call) => call.position === flaky.positions[0])).toHaveLength(4);
    expect(await seenOf(reaction.name, other.stream)).toEqual(other.positions);
    expect(await deadLettersOf(reaction.name)).toEqual([]);
    expect(runner.status().parkedKeys).toEqual([]);
    await runner.stop();
  });
});

describe('a reaction whose handler fails for good', () => {
  it('parks the key and its later events, in order, while other keys flow; the key stays parked across a restart', async () => {
    const reaction = await freshReaction();
    const sick = await productStream(1);
    reaction.poison.add(sick.stream);
    const runner = startReaction(reaction);
    await appendTo(sick, 2);
    const healthy = await productStream(2);
    await eventually(async () => (await deadLettersOf(reaction.name, sick.stream)).length === 3);
    await eventually(async () => (await seenOf(reaction.name, healthy.stream)).length === 2);
    expect(await deadLettersOf(reaction.name, sick.stream)).toEqual(sick.positions);
    expect(await seenOf(reaction.name, sick.stream)).toEqual([]);
    expect(reaction.calls.filter((call) => call.key === sick.stream)).toHaveLength(1); // later ones parked unhandled
    expect(runner.status().parkedKeys).toEqual([sick.stream]);
    const { rows } = await pool.query('SELECT error FROM dead_letters WHERE name = $1 ORDER BY position LIMIT 1', [reaction.name]);
    expect(rows[0]).toEqual({ error: `poison ${sick.stream}` });
    // Parked events are finished: the checkpoint moves past them.
    await eventually(async () => (await checkpointOf(reaction.name)) >= healthy.positions[1]!);
    await runner.stop();

    reaction.poison.delete(sick.stream); // fixed, but not retried: the key is still parked
    const again = startReaction(reaction);
    expect(again.status().parkedKeys).toEqual([]);
    await eventually(() => again.status().parkedKeys.includes(sick.stream));
    const [late] = await appendTo(sick, 1);
    await eventually(async () => (await deadLettersOf(reaction.name, sick.stream)).length === 4);
    expect(await seenOf(reaction.name, sick.stream)).toEqual([]);
    expect((await deadLettersOf(reaction.name, sick.stream)).at(-1)).toBe(late);
    await again.stop();
  });
});

describe('retrying a parked key', () => {
  it('replays its dead letters in order, stops at the first that fails again, and the key then flows', async () => {
    const reaction = await freshReaction();
    const sick = await productStream(1);
    reaction.poison.add(sick.stream);
    const runner = startReaction(reaction);
    await appendTo(sick, 2);
    await eventually(async () => (await deadLettersOf(reaction.name, sick.stream)).length === 3);

    expect(await retryParkedReaction(pool, reaction, logger, { key: sick.stream })).toEqual({ replayed: 0, stillParked: [sick.stream] });
    reaction.poison.delete(sick.stream);
    expect(await retryParkedReaction(pool, reaction, logger, { key: sick.stream })).toEqual({ replayed: 3, stillParked: [] });
    expect(await seenOf(reaction.name, sick.stream)).toEqual(sick.positions);
    expect(await deadLettersOf(reaction.name)).toEqual([]);

    await appendTo(sick, 1);
    await eventually(async () => (await seenOf(reaction.name, sick.stream)).length === 4);
    expect(await seenOf(reaction.name, sick.stream)).toEqual(sick.positions);
    await eventually(() => runner.status().parkedKeys.length === 0);
    await runner.stop();
  });

  it('is safe while the runner is live: an event arriving mid-retry is handled after the replayed ones, never lost', async () => {
    const reaction = await freshReaction();
    const sick = await productStream(1);
    reaction.poison.add(sick.stream);
    const runner = startReaction(reaction);
    await appendTo(sick, 1);
    await eventually(async () => (await deadLettersOf(reaction.name, sick.stream)).length === 2);

    // The replay of the first dead letter is held while a new event of the key reaches the runner.
    reaction.poison.delete(sick.stream);
    const held = gate();
    reaction.slow.set(sick.stream, { gate: held });
    const callsBefore = reaction.calls.length;
    const retry = retryParkedReaction(pool, reaction, logger, { key: sick.stream });
    await eventually(() => reaction.calls.length > callsBefore);
    await appendTo(sick, 1);
    held.open();
    reaction.slow.delete(sick.stream);

    const outcome = await retry;
    expect(outcome.stillParked).toEqual([]);
    expect([2, 3]).toContain(outcome.replayed); // the new event was replayed too, or the runner handled it
    await eventually(async () => (await seenOf(reaction.name, sick.stream)).length === 3);
    expect(await seenOf(reaction.name, sick.stream)).toEqual(sick.positions);
    expect(await deadLettersOf(reaction.name)).toEqual([]);
    await eventually(() => runner.status().parkedKeys.length === 0);
    await runner.stop();
  });

  it('forgets a key a retry emptied even when no event of it comes since', async () => {
    const reaction = await freshReaction();
    const sick = await productStream(1);
    reaction.poison.add(sick.stream);
    const runner = startReaction(reaction);
    await eventually(() => runner.status().parkedKeys.includes(sick.stream));
    reaction.poison.delete(sick.stream);
    expect(await retryParkedReaction(pool, reaction, logger)).toEqual({ replayed: 1, stillParked: [] });
    await eventually(() => runner.status().parkedKeys.length === 0);
    await runner.stop();
  });
});
