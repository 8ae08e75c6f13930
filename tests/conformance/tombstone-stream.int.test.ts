import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
  WrongExpectedVersionError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendPaths } from './support/append-paths.ts';
import { connectClient, jsonEvents, readAllEvents, readStreamEvents, rejectionOf, uniquePrefix } from './support/esdb.ts';
import { SubscriptionRecorder } from './support/subscription-recorder.ts';

// Protocol §9 "Tombstone": a hard delete is final; everything on the stream and its metastream
// fails with StreamDeletedError from then on, and the name can never be reused.
describe('tombstoning a stream', () => {
  let client: EventStoreDBClient;
  let prefix: string;
  let streamCount = 0;
  const freshStream = () => `${prefix}-${++streamCount}`;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('tombstone');
  });
  afterAll(() => client.dispose());

  /** A stream whose last revision is 2. */
  async function streamWithThreeEvents(): Promise<string> {
    const stream = freshStream();
    await client.appendToStream(stream, jsonEvents(3));
    return stream;
  }

  async function tombstonedStream(): Promise<string> {
    const stream = await streamWithThreeEvents();
    await client.tombstoneStream(stream, { expectedRevision: 2n });
    return stream;
  }

  describe('with the right expected revision', () => {
    it('succeeds, and reads in both directions fail with StreamDeletedError naming the stream', async () => {
      const stream = await streamWithThreeEvents();

      await client.tombstoneStream(stream, { expectedRevision: 2n });

      const forwards = await rejectionOf(readStreamEvents(client, stream));
      const backwards = await rejectionOf(readStreamEvents(client, stream, { fromRevision: END, direction: BACKWARDS }));
      expect(forwards).toBeInstanceOf(StreamDeletedError);
      expect(forwards).toMatchObject({ streamName: stream });
      expect(backwards).toBeInstanceOf(StreamDeletedError);
    });

    it('succeeds with NO_STREAM on a stream that was never written', async () => {
      const stream = freshStream();

      await client.tombstoneStream(stream, { expectedRevision: NO_STREAM });

      expect(await rejectionOf(readStreamEvents(client, stream))).toBeInstanceOf(StreamDeletedError);
    });

    it('writes a $streamDeleted record into $all at the position it reports', async () => {
      const stream = await streamWithThreeEvents();

      const { position } = await client.tombstoneStream(stream, { expectedRevision: ANY });
      const [record] = await readAllEvents(client, { fromPosition: position!, maxCount: 1 });

      // Protocol §9: the record sits at revision long.MaxValue, with no data, and is not JSON.
      expect(record).toMatchObject({ streamId: stream, type: '$streamDeleted', revision: 9223372036854775807n, isJson: false });
      expect(record!.data).toHaveLength(0);
    });
  });

  describe('with a wrong expected revision', () => {
    it('refuses an exact revision, reporting the actual one, and leaves the stream readable', async () => {
      const stream = await streamWithThreeEvents();

      const error = await rejectionOf(client.tombstoneStream(stream, { expectedRevision: 5n }));

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expectedVersion: 5n, actualVersion: 2n });
      expect(await readStreamEvents(client, stream)).toHaveLength(3);
    });

    it('refuses NO_STREAM on a stream that has events', async () => {
      const stream = await streamWithThreeEvents();

      expect(await rejectionOf(client.tombstoneStream(stream, { expectedRevision: NO_STREAM }))).toBeInstanceOf(
        WrongExpectedVersionError,
      );
    });

    it('refuses an exact revision on a stream that was never written', async () => {
      const stream = freshStream();

      expect(await rejectionOf(client.tombstoneStream(stream, { expectedRevision: 0n }))).toBeInstanceOf(
        WrongExpectedVersionError,
      );
    });
  });

  describe('after the tombstone', () => {
    describe.each(appendPaths)('appending through $path', ({ options }) => {
      it.each([
        ['ANY', ANY],
        ['NO_STREAM', NO_STREAM],
        ['STREAM_EXISTS', STREAM_EXISTS],
        ['the last revision', 2n],
      ] as const)('fails with StreamDeletedError for %s', async (_name, expectedRevision) => {
        const stream = await tombstonedStream();

        const error = await rejectionOf(client.appendToStream(stream, jsonEvents(1), { ...options, expectedRevision }));

        expect(error).toBeInstanceOf(StreamDeletedError);
        expect(error).toMatchObject({ streamName: stream });
      });
    });

    it('refuses to soft-delete or tombstone it again', async () => {
      const stream = await tombstonedStream();

      expect(await rejectionOf(client.deleteStream(stream))).toBeInstanceOf(StreamDeletedError);
      expect(await rejectionOf(client.tombstoneStream(stream))).toBeInstanceOf(StreamDeletedError);
    });

    it('refuses reads and writes of its metadata', async () => {
      const stream = await tombstonedStream();

      expect(await rejectionOf(client.getStreamMetadata(stream))).toBeInstanceOf(StreamDeletedError);
      expect(await rejectionOf(client.setStreamMetadata(stream, { maxCount: 1 }))).toBeInstanceOf(StreamDeletedError);
    });

    it('fails a new subscription with StreamDeletedError, delivering nothing', async () => {
      const stream = await tombstonedStream();
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToStream(stream));
      const error = await recorder.waitForError();

      expect(error).toBeInstanceOf(StreamDeletedError);
      expect(recorder.events).toEqual([]);
    });
  });

  describe('while a subscriber is live on the stream', () => {
    // The real server sends the $streamDeleted record and then fails the call (protocol §8, from
    // code reading only): accept either signal, but require one of them.
    it('tells the subscriber the stream is gone', async () => {
      const stream = await streamWithThreeEvents();
      const recorder = new SubscriptionRecorder();
      recorder.attach(client.subscribeToStream(stream));
      await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');

      await client.tombstoneStream(stream);
      await recorder.waitFor(
        () => recorder.error !== undefined || recorder.events.some((e) => e.type === '$streamDeleted'),
        'the subscriber to learn of the tombstone',
      );

      if (recorder.error) expect(recorder.error).toBeInstanceOf(StreamDeletedError);
      expect(recorder.events.slice(3).every((e) => e.type === '$streamDeleted')).toBe(true);
    });
  });
});
