import { BACKWARDS, END, FORWARDS, START, type EventStoreDBClient, type RecordedEvent } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  comparePositions,
  connectClient,
  jsonEvents,
  positionOf,
  readAllEvents,
  readStreamEvents,
  strictlyIncreasing,
  uniquePrefix,
} from './support/esdb.ts';

// Protocol §7 "readAll": forwards reads include their start position, backwards reads exclude it.
// $all is shared with every other test of the run, so each read is anchored on our own events.
describe('reading $all around five events appended in one call (E0 to E4)', () => {
  let client: EventStoreDBClient;
  let stream: string;
  let ours: RecordedEvent[];

  beforeAll(async () => {
    client = connectClient();
    stream = `${uniquePrefix('read_all')}-five`;
    await client.appendToStream(stream, jsonEvents(5));
    ours = await readStreamEvents(client, stream);
  });
  afterAll(() => client.dispose());

  const idsOf = (events: RecordedEvent[]) => events.map((e) => e.id);

  it('reads forwards from the position of E1, inclusive', async () => {
    const read = await readAllEvents(client, { fromPosition: ours[1]!.position!, direction: FORWARDS, maxCount: 3 });

    expect(idsOf(read)).toEqual(idsOf(ours.slice(1, 4)));
  });

  it('reads backwards from the position of E3, exclusive', async () => {
    const read = await readAllEvents(client, { fromPosition: ours[3]!.position!, direction: BACKWARDS, maxCount: 3 });

    expect(idsOf(read)).toEqual(idsOf(ours.slice(0, 3).reverse()));
  });

  it('reads backwards from END newest first, starting at or after our latest event', async () => {
    const read = await readAllEvents(client, { fromPosition: END, direction: BACKWARDS, maxCount: 20 });
    const positions = read.map((e) => e.position);

    expect(read.length).toBeGreaterThanOrEqual(5);
    expect(read.length).toBeLessThanOrEqual(20);
    expect(strictlyIncreasing([...positions].reverse())).toBe(true);
    expect(comparePositions(positions[0]!, ours[4]!.position!)).toBeGreaterThanOrEqual(0);
  });

  it('returns nothing forwards from END', async () => {
    expect(await readAllEvents(client, { fromPosition: END, direction: FORWARDS, maxCount: 10 })).toEqual([]);
  });

  it('returns exactly maxCount events, in strictly growing positions, forwards from START', async () => {
    const read = await readAllEvents(client, { fromPosition: START, maxCount: 7 });

    expect(read).toHaveLength(7);
    expect(strictlyIncreasing(read.map((e) => e.position))).toBe(true);
  });
});

describe('$all of a running server', () => {
  let client: EventStoreDBClient;

  beforeAll(() => {
    client = connectClient();
  });
  afterAll(() => client.dispose());

  // Protocol §3 "System streams": a fresh node writes system events before any user event.
  it('begins with a system event: stream and type both start with $', async () => {
    const [first] = await readAllEvents(client, { fromPosition: START, maxCount: 1 });

    expect(first!.streamId.startsWith('$')).toBe(true);
    expect(first!.type.startsWith('$')).toBe(true);
  });

  // Protocol §3: metadata events of `$$stream` are ordinary records of $all.
  it('shows the $metadata event that setting stream metadata writes', async () => {
    const stream = `${uniquePrefix('read_all_meta')}-with-metadata`;

    const written = positionOf(await client.setStreamMetadata(stream, { maxCount: 5 }));
    const [record] = await readAllEvents(client, { fromPosition: written, maxCount: 1 });

    expect(record).toMatchObject({ streamId: `$$${stream}`, type: '$metadata', isJson: true });
    expect(record!.data).toEqual({ $maxCount: 5 });
  });

  it('keeps our own events in the order they were acknowledged', async () => {
    const prefix = uniquePrefix('read_all_order');
    const first = positionOf(await client.appendToStream(`${prefix}-a`, jsonEvents(1)));
    await client.appendToStream(`${prefix}-b`, jsonEvents(2));
    await client.appendToStream(`${prefix}-a`, jsonEvents(1));

    const oursInOrder: string[] = [];
    for await (const { event } of client.readAll({ fromPosition: first })) {
      if (event?.streamId.startsWith(prefix)) oursInOrder.push(`${event.streamId}@${event.revision}`);
      if (oursInOrder.length === 4) break;
    }

    expect(oursInOrder).toEqual([`${prefix}-a@0`, `${prefix}-b@0`, `${prefix}-b@1`, `${prefix}-a@1`]);
  });
});
