import { jsonEvent, streamNameFilter, type EventStoreDBClient } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, positionOf, sleep, strictlyIncreasing, uniquePrefix } from './support/esdb.ts';
import { SubscriptionRecorder } from './support/subscription-recorder.ts';

const APPENDS = 100;
const EVENTS_PER_APPEND = 50;
// 1 KiB per event: 5 MiB in all, far beyond what HTTP/2 flow control and the client buffer while paused.
const eventsOfOneKib = () =>
  Array.from({ length: EVENTS_PER_APPEND }, (_, i) => jsonEvent({ type: 'Padded', data: { i, pad: 'p'.repeat(1024) } }));

// Protocol §7-§8 back-pressure: a consumer that stops reading makes the server wait (or fall
// back to catch-up, as the real one does when its live buffer overflows); when the consumer
// resumes it still gets every event, once, in order. Nothing may be dropped to keep up.
describe('a subscription whose consumer pauses while 5,000 events are appended', () => {
  let client: EventStoreDBClient;

  beforeAll(() => {
    client = connectClient();
  });
  afterAll(() => client.dispose());

  it('on $all: delivers every event once and in order after the consumer resumes', { timeout: 60_000 }, async () => {
    const prefix = uniquePrefix('slow_all');
    const start = positionOf(await client.appendToStream(`${prefix}-start`, eventsOfOneKib().slice(0, 1)));
    const recorder = new SubscriptionRecorder();
    const subscription = recorder.attach(
      client.subscribeToAll({ fromPosition: start, filter: streamNameFilter({ prefixes: [`${prefix}-s`] }) }),
    );
    await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');

    subscription.pause();
    const appended: string[] = [];
    for (let i = 0; i < APPENDS; i++) {
      const events = eventsOfOneKib();
      await client.appendToStream(`${prefix}-s${i % 3}`, events);
      appended.push(...events.map((e) => e.id));
    }
    await sleep(200);
    subscription.resume();
    await recorder.waitForEvents(appended.length, 30_000);

    expect(recorder.events.map((e) => e.id)).toEqual(appended);
    expect(strictlyIncreasing(recorder.events.map((e) => e.position!))).toBe(true);
  });

  it('on a stream: delivers every revision once and in order after the consumer resumes', { timeout: 60_000 }, async () => {
    const stream = `${uniquePrefix('slow_stream')}-s`;
    const recorder = new SubscriptionRecorder();
    const subscription = recorder.attach(client.subscribeToStream(stream));
    await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');

    subscription.pause();
    for (let i = 0; i < APPENDS; i++) await client.appendToStream(stream, eventsOfOneKib());
    await sleep(200);
    subscription.resume();
    await recorder.waitForEvents(APPENDS * EVENTS_PER_APPEND, 30_000);

    expect(recorder.events.map((e) => e.revision)).toEqual(
      Array.from({ length: APPENDS * EVENTS_PER_APPEND }, (_, i) => BigInt(i)),
    );
  });
});
