import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendPaths } from './support/append-paths.ts';
import { connectClient, jsonEvents, readStreamEvents, rejectionOf, uniquePrefix } from './support/esdb.ts';

// Protocol §5, "Expected revision": the table of what each expected-revision form accepts.
describe.each(appendPaths)('appending with an expected revision through $path', ({ options }) => {
  let client: EventStoreDBClient;
  let prefix: string;
  let streamCount = 0;
  const freshStream = () => `${prefix}-${++streamCount}`;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('append_expected');
  });
  afterAll(() => client.dispose());

  /** A stream whose last revision is 2. */
  async function streamWithThreeEvents(): Promise<string> {
    const stream = freshStream();
    await client.appendToStream(stream, jsonEvents(3), { ...options, expectedRevision: NO_STREAM });
    return stream;
  }

  describe('to a stream that was never written', () => {
    it('accepts ANY and reports the revision of the last event written', async () => {
      const stream = freshStream();

      const result = await client.appendToStream(stream, jsonEvents(3), { ...options, expectedRevision: ANY });

      expect(result).toMatchObject({ success: true, nextExpectedRevision: 2n });
      expect((await readStreamEvents(client, stream)).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    });

    it('accepts NO_STREAM and starts numbering at revision 0', async () => {
      const stream = freshStream();

      const result = await client.appendToStream(stream, jsonEvents(1), { ...options, expectedRevision: NO_STREAM });

      expect(result).toMatchObject({ success: true, nextExpectedRevision: 0n });
    });

    it('refuses STREAM_EXISTS, reports the stream as missing, and writes nothing', async () => {
      const stream = freshStream();

      const error = await rejectionOf(
        client.appendToStream(stream, jsonEvents(1), { ...options, expectedRevision: STREAM_EXISTS }),
      );

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expectedVersion: STREAM_EXISTS, actualVersion: NO_STREAM });
      expect(await rejectionOf(readStreamEvents(client, stream))).toBeInstanceOf(StreamNotFoundError);
    });

    it('refuses the exact revision 0, reporting the stream as missing', async () => {
      const stream = freshStream();

      const error = await rejectionOf(client.appendToStream(stream, jsonEvents(1), { ...options, expectedRevision: 0n }));

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expectedVersion: 0n, actualVersion: NO_STREAM });
    });
  });

  describe('to a stream whose last revision is 2', () => {
    it('accepts ANY and continues the numbering', async () => {
      const stream = await streamWithThreeEvents();

      const result = await client.appendToStream(stream, jsonEvents(2), { ...options, expectedRevision: ANY });

      expect(result.nextExpectedRevision).toBe(4n);
      expect((await readStreamEvents(client, stream)).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
    });

    it('accepts STREAM_EXISTS', async () => {
      const stream = await streamWithThreeEvents();

      const result = await client.appendToStream(stream, jsonEvents(1), { ...options, expectedRevision: STREAM_EXISTS });

      expect(result.nextExpectedRevision).toBe(3n);
    });

    it('accepts the exact revision 2', async () => {
      const stream = await streamWithThreeEvents();

      const result = await client.appendToStream(stream, jsonEvents(1), { ...options, expectedRevision: 2n });

      expect(result.nextExpectedRevision).toBe(3n);
    });

    it('refuses NO_STREAM, reporting revision 2 as the actual one, and writes nothing', async () => {
      const stream = await streamWithThreeEvents();

      const error = await rejectionOf(
        client.appendToStream(stream, jsonEvents(1), { ...options, expectedRevision: NO_STREAM }),
      );

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expectedVersion: NO_STREAM, actualVersion: 2n });
      expect(await readStreamEvents(client, stream)).toHaveLength(3);
    });

    it('refuses a revision ahead of the stream', async () => {
      const stream = await streamWithThreeEvents();

      const error = await rejectionOf(client.appendToStream(stream, jsonEvents(1), { ...options, expectedRevision: 5n }));

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expectedVersion: 5n, actualVersion: 2n });
      expect(await readStreamEvents(client, stream)).toHaveLength(3);
    });

    it('refuses a revision behind the stream when the events are new', async () => {
      const stream = await streamWithThreeEvents();

      const error = await rejectionOf(client.appendToStream(stream, jsonEvents(1), { ...options, expectedRevision: 1n }));

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expectedVersion: 1n, actualVersion: 2n });
      expect(await readStreamEvents(client, stream)).toHaveLength(3);
    });

    it('writes nothing for an empty append and reports the current revision', async () => {
      const stream = await streamWithThreeEvents();

      const result = await client.appendToStream(stream, [], { ...options, expectedRevision: ANY });

      expect(result).toMatchObject({ success: true, nextExpectedRevision: 2n });
      expect(await readStreamEvents(client, stream)).toHaveLength(3);
    });
  });
});
