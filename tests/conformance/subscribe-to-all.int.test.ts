import { END, streamNameFilter, type EventStoreDBClient, type RecordedEvent } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, jsonEvents, positionOf, readStreamEvents, strictlyIncreasing, uniquePrefix } from './support/esdb.ts';
import { SubscriptionRecorder } from './support/subscription-recorder.ts';

const idsOf = (events: RecordedEvent[]) => events.map((e) => e.id);

// Protocol §8: $all subscriptions start strictly after the given position, signal caught_up at
// the head, then go live. Every subscription is filtered on a prefix of our own, since $all is shared.
describe('subscribing to $all', () => {
  let client: EventStoreDBClient;

  beforeAll(() => {
    client = connectClient();
  });
  afterAll(() => client.dispose());

  describe('from the position of E1 of our five events E0 to E4', () => {
    it('delivers E2 to E4 (the start position is exclusive), caughtUp, then live events', async () => {
      const prefix = uniquePrefix('subscribe_all_from');
      await client.appendToStream(`${prefix}-a`, jsonEvents(5));
      const ours = await readStreamEvents(client, `${prefix}-a`);
      const recorder = new SubscriptionRecorder();

      recorder.attach(
        client.subscribeToAll({ fromPosition: ours[1]!.position!, filter: streamNameFilter({ prefixes: [prefix] }) }),
      );
      await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');
      await client.appendToStream(`${prefix}-b`, jsonEvents(2));
      await recorder.waitForEvents(5);

      expect(recorder.confirmed).toBe(true);
      expect(idsOf(recorder.eventsBeforeCaughtUp)).toEqual(idsOf(ours.slice(2)));
      expect(recorder.events.slice(3).map((e) => e.streamId)).toEqual([`${prefix}-b`, `${prefix}-b`]);
      expect(strictlyIncreasing(recorder.events.map((e) => e.position!))).toBe(true);
    });
  });

  describe('from END', () => {
    it('signals caughtUp before any event and delivers only what is appended afterwards', async () => {
      const prefix = uniquePrefix('subscribe_all_end');
      await client.appendToStream(`${prefix}-before`, jsonEvents(3));
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToAll({ fromPosition: END, filter: streamNameFilter({ prefixes: [prefix] }) }));
      await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');
      await client.appendToStream(`${prefix}-after`, jsonEvents(2));
      await recorder.waitForEvents(2);

      expect(recorder.eventsBeforeCaughtUp).toEqual([]);
      expect(recorder.events.map((e) => e.streamId)).toEqual([`${prefix}-after`, `${prefix}-after`]);
    });
  });

  describe('without a filter', () => {
    it('delivers our events among everyone else’s, each once, in strictly growing positions', async () => {
      const prefix = uniquePrefix('subscribe_all_unfiltered');
      const start = positionOf(await client.appendToStream(`${prefix}-start`, jsonEvents(1)));
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToAll({ fromPosition: start }));
      await client.appendToStream(`${prefix}-a`, jsonEvents(3));
      await recorder.waitFor(() => recorder.events.filter((e) => e.streamId === `${prefix}-a`).length >= 3, 'our events');

      const ours = recorder.events.filter((e) => e.streamId.startsWith(prefix));
      expect(ours.map((e) => `${e.streamId}@${e.revision}`)).toEqual([`${prefix}-a@0`, `${prefix}-a@1`, `${prefix}-a@2`]);
      expect(strictlyIncreasing(recorder.events.map((e) => e.position!))).toBe(true);
    });
  });

  describe('while appends keep arriving during the catch-up', () => {
    it('delivers every event exactly once and in order across the switch to live', async () => {
      const prefix = uniquePrefix('subscribe_all_switch');
      const start = positionOf(await client.appendToStream(`${prefix}-start`, jsonEvents(1)));
      // Appends are sequential, so the order they are acknowledged in is their order in $all.
      const appended: string[] = [];
      const append = async (stream: string, count: number) => {
        const events = jsonEvents(count);
        await client.appendToStream(stream, events);
        appended.push(...events.map((e) => e.id));
      };
      for (let i = 0; i < 20; i++) await append(`${prefix}-s${i % 4}`, 10);
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToAll({ fromPosition: start, filter: streamNameFilter({ prefixes: [`${prefix}-s`] }) }));
      for (let i = 0; i < 100; i++) await append(`${prefix}-s${i % 4}`, 1 + (i % 3));
      await recorder.waitForEvents(appended.length, 20_000);
      await append(`${prefix}-s-last`, 1);
      await recorder.waitForEvents(appended.length);

      expect(idsOf(recorder.events)).toEqual(appended);
      expect(strictlyIncreasing(recorder.events.map((e) => e.position!))).toBe(true);
      expect(recorder.hasCaughtUp).toBe(true);
      expect(recorder.eventsBeforeCaughtUp.length).toBeGreaterThanOrEqual(200);
    });
  });
});
