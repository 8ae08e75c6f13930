import { streamNameFilter, type EventStoreDBClient, type Position } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePositions, connectClient, jsonEvents, positionOf, uniquePrefix } from './support/esdb.ts';
import { SubscriptionRecorder } from './support/subscription-recorder.ts';

const WINDOW = 8;
const MULTIPLIER = 2;
const INTERVAL = WINDOW * MULTIPLIER;
const UNMATCHED = 100;

// Protocol §8 "Checkpoints": the interval counts events *considered*, matching or not. That is
// what lets a projection whose filter matches nothing for a long while still move its stored
// position forward, instead of re-scanning the same stretch of $all after every restart.
describe('a filtered $all subscription while only events it filters out are appended', () => {
  let client: EventStoreDBClient;

  beforeAll(() => {
    client = connectClient();
  });
  afterAll(() => client.dispose());

  it('keeps checkpointing past them, at least once per interval', async () => {
    const prefix = uniquePrefix('checkpoints_unmatched');
    const start = positionOf(await client.appendToStream(`${prefix}-start`, jsonEvents(1)));
    const recorder = new SubscriptionRecorder();
    recorder.attach(
      client.subscribeToAll({
        fromPosition: start,
        filter: streamNameFilter({
          prefixes: [`${prefix}-wanted`],
          maxSearchWindow: WINDOW,
          checkpointInterval: MULTIPLIER,
          checkpointReached: recorder.onCheckpoint,
        }),
      }),
    );
    await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');

    const unmatched: Position[] = [];
    for (let i = 0; i < UNMATCHED; i++) unmatched.push(positionOf(await client.appendToStream(`${prefix}-other`, jsonEvents(1))));
    // However the server's counter was offset before our events, any run of INTERVAL consecutive
    // events holds a checkpoint: so one must land within our last INTERVAL events.
    const lastWindowStart = unmatched[UNMATCHED - INTERVAL]!;
    await recorder.waitFor(
      () => recorder.checkpoints.some((checkpoint) => comparePositions(checkpoint, lastWindowStart) >= 0),
      'a checkpoint past the filtered-out events',
    );

    expect(recorder.events).toEqual([]);
    const afterCaughtUp = recorder.timeline.slice(recorder.timeline.findIndex((entry) => entry.kind === 'caughtUp'));
    expect(afterCaughtUp.filter((entry) => entry.kind === 'checkpoint').length).toBeGreaterThanOrEqual(
      Math.floor(UNMATCHED / INTERVAL) - 1,
    );
  });
});
