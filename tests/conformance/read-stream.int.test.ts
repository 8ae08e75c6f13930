import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  StreamNotFoundError,
  type EventStoreDBClient,
  type ReadStreamOptions,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, jsonEvents, readStreamEvents, rejectionOf, uniquePrefix } from './support/esdb.ts';

const revisions = (from: number, to: number) => {
  const step = from <= to ? 1 : -1;
  return Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => BigInt(from + i * step));
};

// Protocol §7 "readStream": forwards and backwards reads include their start revision.
describe('reading a stream of ten events (revisions 0 to 9)', () => {
  let client: EventStoreDBClient;
  let stream: string;

  beforeAll(async () => {
    client = connectClient();
    stream = `${uniquePrefix('read_stream')}-ten`;
    await client.appendToStream(stream, jsonEvents(10));
  });
  afterAll(() => client.dispose());

  const read = async (options: ReadStreamOptions) =>
    (await readStreamEvents(client, stream, options)).map((e) => e.revision);

  describe('forwards', () => {
    it('returns every event in order from START', async () => {
      expect(await read({ fromRevision: START, direction: FORWARDS })).toEqual(revisions(0, 9));
    });

    it('starts at the given revision, inclusive, and stops after maxCount events', async () => {
      expect(await read({ fromRevision: 4n, maxCount: 3 })).toEqual([4n, 5n, 6n]);
    });

    it('returns the last event alone when starting from it', async () => {
      expect(await read({ fromRevision: 9n })).toEqual([9n]);
    });

    it('returns nothing, without error, when starting past the end', async () => {
      expect(await read({ fromRevision: 10n })).toEqual([]);
    });

    it('returns what remains when maxCount exceeds it', async () => {
      expect(await read({ fromRevision: 7n, maxCount: 100 })).toEqual([7n, 8n, 9n]);
    });
  });

  describe('backwards', () => {
    it('returns every event newest first from END', async () => {
      expect(await read({ fromRevision: END, direction: BACKWARDS })).toEqual(revisions(9, 0));
    });

    it('stops after maxCount events', async () => {
      expect(await read({ fromRevision: END, direction: BACKWARDS, maxCount: 2 })).toEqual([9n, 8n]);
    });

    it('starts at the given revision, inclusive', async () => {
      expect(await read({ fromRevision: 3n, direction: BACKWARDS })).toEqual([3n, 2n, 1n, 0n]);
    });

    it('starts at the last event when the given revision is beyond the end', async () => {
      expect(await read({ fromRevision: 100n, direction: BACKWARDS, maxCount: 2 })).toEqual([9n, 8n]);
    });
  });
});

describe('reading a stream that was never written', () => {
  let client: EventStoreDBClient;
  let prefix: string;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('read_missing');
  });
  afterAll(() => client.dispose());

  it.each([
    ['forwards from START', { fromRevision: START, direction: FORWARDS }],
    ['backwards from END', { fromRevision: END, direction: BACKWARDS }],
    ['forwards from a revision', { fromRevision: 3n, direction: FORWARDS }],
  ] as const)('fails with StreamNotFoundError naming the stream (%s)', async (_name, options) => {
    const stream = `${prefix}-nothing-here`;

    const error = await rejectionOf(readStreamEvents(client, stream, options));

    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect(error).toMatchObject({ streamName: stream });
  });

  it('finds the stream once an event has been appended to it', async () => {
    const stream = `${prefix}-created-later`;
    expect(await rejectionOf(readStreamEvents(client, stream))).toBeInstanceOf(StreamNotFoundError);

    await client.appendToStream(stream, jsonEvents(1));

    expect(await readStreamEvents(client, stream)).toHaveLength(1);
  });
});
