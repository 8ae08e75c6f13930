import { randomUUID } from 'node:crypto';
import {
  binaryEvent,
  jsonEvent,
  type EventData,
  type EventStoreDBClient,
  type RecordedEvent,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, readAllEvents, readStreamEvents, uniquePrefix } from './support/esdb.ts';

// A server's clock may differ a little from ours (ESDB_URL may point at another machine); a
// wrong unit (ms for ticks, .NET epoch) would be off by years, so minutes of slack keep it strict.
const CLOCK_SLACK_MS = 5 * 60_000;

// Protocol §3 "Recorded event on the wire": what is appended is what is read back.
describe('fields of a recorded event', () => {
  let client: EventStoreDBClient;
  let prefix: string;
  let streamCount = 0;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('event_fields');
  });
  afterAll(() => client.dispose());

  /** Appends one event to a fresh stream and reads it back. */
  async function roundTrip(event: EventData): Promise<RecordedEvent> {
    const stream = `${prefix}-${++streamCount}`;
    await client.appendToStream(stream, event);
    const [recorded] = await readStreamEvents(client, stream);
    return recorded!;
  }

  describe('for a JSON event', () => {
    const data = {
      text: 'Grüße, 世界 — ✓ 🎉',
      nested: { list: [1, 2.5, -3], flag: true, nothing: null },
      'ключ': 'значение',
    };
    const metadata = { correlationId: 'c-1', note: 'naïve café 🍰' };

    it('returns the stream, type, id, data and metadata as appended', async () => {
      const id = randomUUID();

      const recorded = await roundTrip(jsonEvent({ id, type: 'BestellungAufgegeben✓', data, metadata }));

      expect(recorded).toMatchObject({ id, type: 'BestellungAufgegeben✓', data, metadata, isJson: true, revision: 0n });
      expect(recorded.streamId).toBe(`${prefix}-${streamCount}`);
    });

    it('stamps a creation date taken from the server clock at write time', async () => {
      const before = Date.now();

      const recorded = await roundTrip(jsonEvent({ type: 'OrderPlaced', data }));

      expect(recorded.created).toBeInstanceOf(Date);
      expect(recorded.created.getTime()).toBeGreaterThan(before - CLOCK_SLACK_MS);
      expect(recorded.created.getTime()).toBeLessThan(Date.now() + CLOCK_SLACK_MS);
    });

    it('keeps a bare JSON string as data', async () => {
      const recorded = await roundTrip(jsonEvent({ type: 'Greeted', data: 'hi ✓' }));

      expect(recorded.data).toBe('hi ✓');
      expect(recorded.isJson).toBe(true);
    });

    it('keeps a JSON array as data', async () => {
      const recorded = await roundTrip(jsonEvent({ type: 'Listed', data: [1, 'two', { three: 3 }] }));

      expect(recorded.data).toEqual([1, 'two', { three: 3 }]);
    });

    it('has no metadata when none was appended', async () => {
      const recorded = await roundTrip(jsonEvent({ type: 'Bare', data: {} }));

      expect(recorded.metadata).toBeUndefined();
    });

    it('returns an id given in upper case in its canonical lower-case form', async () => {
      const id = randomUUID();

      const recorded = await roundTrip(jsonEvent({ id: id.toUpperCase(), type: 'Upper', data: {} }));

      expect(recorded.id).toBe(id);
    });
  });

  describe('for a binary event', () => {
    const bytes = Uint8Array.from([0, 1, 2, 127, 128, 200, 255, 0x7b]);

    it('returns the bytes unchanged and marks the event as not JSON', async () => {
      const recorded = await roundTrip(binaryEvent({ type: 'Blob', data: bytes }));

      expect(recorded.isJson).toBe(false);
      expect(Uint8Array.from(recorded.data as Uint8Array)).toEqual(bytes);
    });

    it('returns binary metadata as bytes and JSON metadata parsed', async () => {
      const binaryMeta = await roundTrip(binaryEvent({ type: 'Blob', data: bytes, metadata: Uint8Array.from([0xff, 0]) }));
      const jsonMeta = await roundTrip(binaryEvent({ type: 'Blob', data: bytes, metadata: { source: 'scanner' } }));

      expect(Uint8Array.from(binaryMeta.metadata as Uint8Array)).toEqual(Uint8Array.from([0xff, 0]));
      expect(jsonMeta.metadata).toEqual({ source: 'scanner' });
    });
  });

  describe('for a stream named with spaces and unicode', () => {
    it('round-trips the name as opaque text', async () => {
      const stream = `${prefix} pipeline test ✓ ü`;
      await client.appendToStream(stream, jsonEvent({ type: 'Named', data: {} }));

      const [recorded] = await readStreamEvents(client, stream);

      expect(recorded!.streamId).toBe(stream);
    });
  });

  describe('read through $all', () => {
    it('carries the same fields and position as when read from its stream', async () => {
      const recorded = await roundTrip(jsonEvent({ type: 'Twice', data: { a: 1 }, metadata: { m: 2 } }));

      const [inAll] = await readAllEvents(client, { fromPosition: recorded.position!, maxCount: 1 });

      expect(inAll).toEqual(recorded);
    });
  });
});
