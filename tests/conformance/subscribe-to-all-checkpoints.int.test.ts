import { streamNameFilter, type EventStoreDBClient, type Position } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePositions, connectClient, jsonEvents, positionOf, uniquePrefix } from './support/esdb.ts';
import { SubscriptionRecorder, type TimelineEntry } from './support/subscription-recorder.ts';

// Protocol §8 "Checkpoints": interval = multiplier × window, counted in events *considered*
// (matching or not), plus one checkpoint when the catch-up ends. Other tests write to the same
// server meanwhile, so their events count too: they can only make checkpoints more frequent.
// Hence the bounds below: a ceiling on how many of OUR events may pass between two checkpoints,
// and a generous ceiling on the number of checkpoints given everything $all holds in the range.
const WINDOW = 8;
const MULTIPLIER = 2;
const INTERVAL = WINDOW * MULTIPLIER;
// A catch-up page considers up to one window, and the counter is checked per page.
const MAX_EVENTS_BETWEEN_CHECKPOINTS = INTERVAL + WINDOW;

/** Our events delivered after the last checkpoint of `entries` (all of them if none). */
const eventsSinceLastCheckpoint = (entries: TimelineEntry[]) => {
  const last = entries.findLastIndex((entry) => entry.kind === 'checkpoint');
  return entries.slice(last + 1).filter((entry) => entry.kind === 'event').length;
};

describe('checkpoints of a filtered $all subscription (window 8, multiplier 2)', () => {
  let client: EventStoreDBClient;
  let prefix: string;
  let start: Position;
  let end: Position;
  const recorder = new SubscriptionRecorder();

  // Given 40 events before the subscription starts and 60 appended while it is live.
  beforeAll(async () => {
    client = connectClient();
    prefix = uniquePrefix('checkpoints');
    start = positionOf(await client.appendToStream(`${prefix}-start`, jsonEvents(1)));
    for (let i = 0; i < 4; i++) await client.appendToStream(`${prefix}-s`, jsonEvents(10));
  });
  afterAll(() => client.dispose());

  it('checkpoints at the filter’s interval, and once at the end of the catch-up', async () => {
    recorder.attach(
      client.subscribeToAll({
        fromPosition: start,
        filter: streamNameFilter({
          prefixes: [`${prefix}-s`],
          maxSearchWindow: WINDOW,
          checkpointInterval: MULTIPLIER,
          checkpointReached: recorder.onCheckpoint,
        }),
      }),
    );
    await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');
    for (let i = 0; i < 12; i++) await client.appendToStream(`${prefix}-s`, jsonEvents(5));
    end = positionOf(await client.appendToStream(`${prefix}-s-end`, jsonEvents(1)));
    await recorder.waitForEvents(101);
    // The checkpoint that the last events earned may still be on its way.
    await recorder.waitFor(
      () => eventsSinceLastCheckpoint(recorder.timeline) <= MAX_EVENTS_BETWEEN_CHECKPOINTS,
      'a checkpoint for the last events',
    );

    const caughtUpAt = recorder.timeline.findIndex((entry) => entry.kind === 'caughtUp');
    expect(recorder.timeline.slice(0, caughtUpAt).some((entry) => entry.kind === 'checkpoint')).toBe(true);
    expect(recorder.events).toHaveLength(101);

    let eventsSinceCheckpoint = 0;
    for (const entry of recorder.timeline) {
      if (entry.kind === 'event') eventsSinceCheckpoint++;
      if (entry.kind === 'checkpoint') {
        expect(eventsSinceCheckpoint).toBeLessThanOrEqual(MAX_EVENTS_BETWEEN_CHECKPOINTS);
        eventsSinceCheckpoint = 0;
      }
    }
  });

  it('never moves a checkpoint backwards, nor past an event delivered after it', () => {
    let last: { kind: 'event' | 'checkpoint'; position: Position } | undefined;
    for (const entry of recorder.timeline) {
      if (entry.kind === 'caughtUp') continue;
      const current = { kind: entry.kind, position: entry.kind === 'event' ? entry.event.position! : entry.position };
      if (last) {
        const order = comparePositions(last.position, current.position);
        // An event is strictly after anything before it; a checkpoint may equal the event it follows.
        if (current.kind === 'event' || last.kind === 'checkpoint') expect(order).toBeLessThan(0);
        else expect(order).toBeLessThanOrEqual(0);
      }
      last = current;
    }
  });

  // CONVENTIONS §9: a projection stores the last checkpoint and resumes from it, exclusively.
  it('lets a subscriber resuming from a checkpoint receive exactly the events after it', async () => {
    const resumeAt = recorder.timeline.findIndex((entry) => entry.kind === 'checkpoint');
    const checkpoint = recorder.timeline[resumeAt];
    if (checkpoint?.kind !== 'checkpoint') throw new Error('no checkpoint to resume from');
    const expected = recorder.timeline.slice(resumeAt + 1).flatMap((entry) => (entry.kind === 'event' ? [entry.event.id] : []));
    const resumed = new SubscriptionRecorder();

    resumed.attach(
      client.subscribeToAll({ fromPosition: checkpoint.position, filter: streamNameFilter({ prefixes: [`${prefix}-s`] }) }),
    );
    await resumed.waitFor(() => resumed.hasCaughtUp, 'caughtUp');

    expect(resumed.eventsBeforeCaughtUp.map((e) => e.id)).toEqual(expected);
  });

  it('does not checkpoint more often than the events in $all can explain', async () => {
    let considered = 0;
    for await (const { event } of client.readAll({ fromPosition: start })) {
      considered++;
      if (event && comparePositions(event.position, end) >= 0) break;
    }

    // Catch-up and live phases each checkpoint at most once per interval, plus the end of catch-up.
    expect(recorder.checkpoints.length).toBeLessThanOrEqual(2 * Math.floor(considered / INTERVAL) + 3);
  });
});
