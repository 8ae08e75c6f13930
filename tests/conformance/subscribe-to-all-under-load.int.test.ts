import { streamNameFilter, type EventStoreDBClient, type Position } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, jsonEvents, positionOf, strictlyIncreasing, uniquePrefix } from './support/esdb.ts';
import { SubscriptionRecorder } from './support/subscription-recorder.ts';

const WRITERS = 8;
const EVENTS_PER_WRITER = 1_250; // 10,000 in all
const STREAMS_PER_WRITER = 4;

interface Acknowledged {
  ids: string[];
  /** The position the append reported: that of its last event. */
  lastPosition: Position;
}

/**
 * One writer on its own connection: appends batches of 1 to 8 events to its own streams,
 * one append at a time, until it has written its share; returns what was acknowledged.
 */
async function write(client: EventStoreDBClient, streamPrefix: string, seed: number): Promise<Acknowledged[]> {
  const acknowledged: Acknowledged[] = [];
  let written = 0;
  for (let i = 0; written < EVENTS_PER_WRITER; i++) {
    const size = Math.min(1 + ((seed * 7 + i * 5) % 8), EVENTS_PER_WRITER - written);
    const events = jsonEvents(size);
    const result = await client.appendToStream(`${streamPrefix}-${i % STREAMS_PER_WRITER}`, events);
    acknowledged.push({ ids: events.map((e) => e.id), lastPosition: positionOf(result) });
    written += size;
  }
  return acknowledged;
}

// The guarantee every projection and process manager relies on (protocol §8, CONVENTIONS §9):
// a $all subscription delivers each committed event once, in log order, without gaps, even while
// it switches from catch-up to live under concurrent writes.
describe('a filtered $all subscription while 8 writers append 10,000 events concurrently', () => {
  const writers: EventStoreDBClient[] = [];
  let reader: EventStoreDBClient;

  beforeAll(() => {
    reader = connectClient();
    for (let w = 0; w < WRITERS; w++) writers.push(connectClient());
  });
  afterAll(async () => {
    await Promise.all([reader, ...writers].map((client) => client.dispose()));
  });

  it('delivers every acknowledged event exactly once, in strictly increasing positions', { timeout: 180_000 }, async () => {
    const prefix = uniquePrefix('under_load');
    const start = positionOf(await reader.appendToStream(`${prefix}-start`, jsonEvents(1)));
    const recorder = new SubscriptionRecorder();

    // The subscription starts with the writers, so it catches up while they write and then goes live.
    recorder.attach(reader.subscribeToAll({ fromPosition: start, filter: streamNameFilter({ prefixes: [`${prefix}-w`] }) }));
    const acknowledged = (await Promise.all(writers.map((client, w) => write(client, `${prefix}-w${w}`, w)))).flat();
    // A marker after every acknowledged event: once it arrives, everything before it has too.
    const marker = jsonEvents(1);
    await reader.appendToStream(`${prefix}-w-marker`, marker);
    await recorder.waitFor(() => recorder.events.some((e) => e.id === marker[0]!.id), 'the marker', 120_000);

    const delivered = recorder.events.slice(0, -1);
    const deliveredIds = delivered.map((e) => e.id);
    const acknowledgedIds = acknowledged.flatMap((append) => append.ids);
    expect(acknowledgedIds).toHaveLength(WRITERS * EVENTS_PER_WRITER);
    expect(recorder.events.at(-1)!.id).toBe(marker[0]!.id);
    expect(new Set(deliveredIds).size).toBe(deliveredIds.length); // nothing twice
    expect(new Set(deliveredIds)).toEqual(new Set(acknowledgedIds)); // nothing missing, nothing invented
    expect(strictlyIncreasing(recorder.events.map((e) => e.position!))).toBe(true);

    // Each append reported the position its last event is delivered at.
    const positionById = new Map(delivered.map((e) => [e.id, e.position!]));
    for (const append of acknowledged) expect(positionById.get(append.ids.at(-1)!)).toEqual(append.lastPosition);
    // Within each stream, revisions arrive as 0, 1, 2, … without gaps.
    const revisionsByStream = new Map<string, bigint[]>();
    for (const e of delivered) {
      if (!revisionsByStream.has(e.streamId)) revisionsByStream.set(e.streamId, []);
      revisionsByStream.get(e.streamId)!.push(e.revision);
    }
    for (const [stream, revisions] of revisionsByStream) {
      expect(revisions, stream).toEqual(revisions.map((_, i) => BigInt(i)));
    }
  });
});
