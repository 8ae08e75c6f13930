import { END, START, type EventStoreDBClient } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, jsonEvents, uniquePrefix } from './support/esdb.ts';
import { SubscriptionRecorder } from './support/subscription-recorder.ts';

const revisionsOf = (recorder: SubscriptionRecorder) => recorder.events.map((e) => e.revision);
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => BigInt(from + i));

// Protocol §8: confirmation, catch-up strictly after the start point, caught_up, then live events.
describe('subscribing to a stream', () => {
  let client: EventStoreDBClient;
  let prefix: string;
  let streamCount = 0;
  const freshStream = () => `${prefix}-${++streamCount}`;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('subscribe_stream');
  });
  afterAll(() => client.dispose());

  describe('from START, on a stream of three events', () => {
    it('delivers the three events, signals caughtUp, then delivers new events live', async () => {
      const stream = freshStream();
      await client.appendToStream(stream, jsonEvents(3));
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToStream(stream, { fromRevision: START }));
      await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');
      await client.appendToStream(stream, jsonEvents(2));
      await recorder.waitForEvents(5);

      expect(recorder.confirmed).toBe(true);
      expect(recorder.eventsBeforeCaughtUp.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      expect(revisionsOf(recorder)).toEqual(range(0, 5));
    });
  });

  describe('from revision 1, on a stream of four events', () => {
    it('delivers only the events after revision 1', async () => {
      const stream = freshStream();
      await client.appendToStream(stream, jsonEvents(4));
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToStream(stream, { fromRevision: 1n }));
      await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');

      expect(recorder.eventsBeforeCaughtUp.map((e) => e.revision)).toEqual([2n, 3n]);
    });
  });

  describe('from END', () => {
    it('signals caughtUp at once and delivers only events appended afterwards', async () => {
      const stream = freshStream();
      await client.appendToStream(stream, jsonEvents(3));
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToStream(stream, { fromRevision: END }));
      await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');
      await client.appendToStream(stream, jsonEvents(2));
      await recorder.waitForEvents(2);

      expect(recorder.eventsBeforeCaughtUp).toEqual([]);
      expect(revisionsOf(recorder)).toEqual([3n, 4n]);
    });
  });

  describe('to a stream that does not exist yet', () => {
    it('confirms, signals caughtUp, and delivers the stream from revision 0 once written', async () => {
      const stream = freshStream();
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToStream(stream, { fromRevision: START }));
      await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');
      await client.appendToStream(stream, jsonEvents(3));
      await recorder.waitForEvents(3);

      expect(recorder.confirmed).toBe(true);
      expect(revisionsOf(recorder)).toEqual(range(0, 3));
    });
  });

  describe('while appends keep arriving during the catch-up', () => {
    it('delivers every revision exactly once and in order across the switch to live', async () => {
      const stream = freshStream();
      await client.appendToStream(stream, jsonEvents(200));
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToStream(stream, { fromRevision: START }));
      for (let i = 0; i < 100; i++) await client.appendToStream(stream, jsonEvents(1 + (i % 5)));
      const total = 200 + Array.from({ length: 100 }, (_, i) => 1 + (i % 5)).reduce((a, b) => a + b);
      await recorder.waitForEvents(total, 20_000);
      await client.appendToStream(stream, jsonEvents(1));
      await recorder.waitForEvents(total + 1);

      expect(revisionsOf(recorder)).toEqual(range(0, total + 1));
      expect(recorder.hasCaughtUp).toBe(true);
      expect(recorder.eventsBeforeCaughtUp.length).toBeGreaterThanOrEqual(200);
    });
  });
});
