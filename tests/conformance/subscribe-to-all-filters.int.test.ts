import {
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type EventStoreDBClient,
  type Filter,
  type Position,
  type RecordedEvent,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, jsonEvents, positionOf, uniquePrefix } from './support/esdb.ts';
import { SubscriptionRecorder } from './support/subscription-recorder.ts';

// Protocol §8 "$all filters": a regex (an unanchored search) wins over prefixes; prefixes match
// the start of the stream name or event type; excludeSystemEvents drops every `$`-typed event.
describe('subscribing to $all with a server-side filter', () => {
  let client: EventStoreDBClient;
  let p: string; // our stream-name prefix
  let t: string; // our event-type prefix
  let start: Position;

  // What we append, after a start marker, before any subscription starts.
  const written = () => ({
    orderOne: `${p}-order-1`,
    orderTwo: `${p}-order-2`,
    cartOne: `${p}-cart-1`,
    cartMeta: `$$${p}-cart-1`,
  });

  beforeAll(async () => {
    client = connectClient();
    p = uniquePrefix('filters');
    t = `T${p.slice(-12)}`;
    const s = written();
    start = positionOf(await client.appendToStream(`${p}-start`, jsonEvents(1, `${t}Start`)));
    await client.appendToStream(s.orderOne, jsonEvents(3, `${t}OrderPlaced`));
    await client.appendToStream(s.cartOne, jsonEvents(2, `${t}CartOpened`));
    await client.appendToStream(s.orderTwo, jsonEvents(2, `${t}OrderShipped`));
    // A user event with a `$` type, and a `$metadata` event in the metastream `$$<p>-cart-1`.
    await client.appendToStream(s.orderOne, jsonEvent({ type: `$${t}Audit`, data: {} }));
    await client.setStreamMetadata(s.cartOne, { owner: 'filters test' });
  });
  afterAll(() => client.dispose());

  /** Everything the filter delivers from our start marker up to the moment the subscription caught up. */
  async function caughtUpWith(filter: Filter): Promise<RecordedEvent[]> {
    const recorder = new SubscriptionRecorder();
    recorder.attach(client.subscribeToAll({ fromPosition: start, filter }));
    await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');
    return recorder.eventsBeforeCaughtUp;
  }

  const summary = (events: RecordedEvent[]) => events.map((e) => `${e.streamId} ${e.type}`);

  it('on stream-name prefix: delivers only the streams starting with it', async () => {
    const s = written();

    const events = await caughtUpWith(streamNameFilter({ prefixes: [`${p}-order-`] }));

    expect(summary(events)).toEqual([
      ...Array(3).fill(`${s.orderOne} ${t}OrderPlaced`),
      ...Array(2).fill(`${s.orderTwo} ${t}OrderShipped`),
      `${s.orderOne} $${t}Audit`,
    ]);
  });

  it('on several stream-name prefixes: delivers the streams matching any of them', async () => {
    const s = written();

    const events = await caughtUpWith(streamNameFilter({ prefixes: [`${p}-cart-`, s.orderTwo] }));

    expect(new Set(events.map((e) => e.streamId))).toEqual(new Set([s.cartOne, s.orderTwo]));
    expect(events).toHaveLength(4);
  });

  it('on a stream-name regex: searches anywhere in the name, so the metastream matches too', async () => {
    const s = written();

    const events = await caughtUpWith(streamNameFilter({ regex: `${p}-cart-` }));

    expect(summary(events)).toEqual([
      ...Array(2).fill(`${s.cartOne} ${t}CartOpened`),
      `${s.cartMeta} $metadata`,
    ]);
  });

  it('on the metastream prefix: delivers the $metadata events that $all holds', async () => {
    const events = await caughtUpWith(streamNameFilter({ prefixes: [`$$${p}`] }));

    expect(summary(events)).toEqual([`${written().cartMeta} $metadata`]);
    expect(events[0]!.data).toEqual({ owner: 'filters test' });
  });

  it('on event-type prefix: delivers only the types starting with it, from any stream', async () => {
    const events = await caughtUpWith(eventTypeFilter({ prefixes: [`${t}Order`] }));

    expect(events.map((e) => e.type)).toEqual([
      ...Array(3).fill(`${t}OrderPlaced`),
      ...Array(2).fill(`${t}OrderShipped`),
    ]);
  });

  it('on an event-type regex: delivers the types it matches', async () => {
    const events = await caughtUpWith(eventTypeFilter({ regex: `^${t}(CartOpened|OrderShipped)$` }));

    expect(events.map((e) => e.type)).toEqual([...Array(2).fill(`${t}CartOpened`), ...Array(2).fill(`${t}OrderShipped`)]);
  });

  it('excluding system events: drops every $-typed event, ours and the server’s', async () => {
    const events = await caughtUpWith(excludeSystemEvents());

    expect(events.filter((e) => e.type.startsWith('$'))).toEqual([]);
    expect(events.filter((e) => e.streamId.includes(p)).map((e) => e.type)).toEqual([
      ...Array(3).fill(`${t}OrderPlaced`),
      ...Array(2).fill(`${t}CartOpened`),
      ...Array(2).fill(`${t}OrderShipped`),
    ]);
  });
});
