import {
  BACKWARDS,
  END,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectClient,
  jsonEvents,
  readAllEvents,
  readStreamEvents,
  rejectionOf,
  sleep,
  uniquePrefix,
} from './support/esdb.ts';
import { SubscriptionRecorder } from './support/subscription-recorder.ts';

const revisionsIn = async (client: EventStoreDBClient, stream: string, backwards = false) =>
  (await readStreamEvents(client, stream, backwards ? { fromRevision: END, direction: BACKWARDS } : {})).map(
    (e) => e.revision,
  );

// Protocol §11: metadata is a `$metadata` event in `$$<stream>`, stored verbatim; the server
// applies `$maxCount`, `$tb` and `$maxAge` to stream reads (§7) but not to $all (§3).
describe('stream metadata', () => {
  let client: EventStoreDBClient;
  let prefix: string;
  let streamCount = 0;
  const freshStream = () => `${prefix}-${++streamCount}`;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('metadata');
  });
  afterAll(() => client.dispose());

  describe('round trip', () => {
    it('returns what was set: system keys mapped back, custom keys verbatim, unicode intact', async () => {
      const stream = freshStream();
      const metadata = { maxCount: 50, maxAge: 3600, cacheControl: 5, owner: 'ünïcødé 🎉', nested: { list: [1, 'two'] } };

      await client.setStreamMetadata(stream, metadata);

      const read = await client.getStreamMetadata(stream);
      expect(read.streamName).toBe(stream);
      expect(read.metadata).toEqual(metadata);
    });

    it('returns no metadata for a stream that has none', async () => {
      const stream = freshStream();
      await client.appendToStream(stream, jsonEvents(1));

      const result = await client.getStreamMetadata(stream);

      expect(result).toEqual({ streamName: stream });
    });

    it('returns the latest metadata, and the metastream keeps only that one readable', async () => {
      const stream = freshStream();
      await client.setStreamMetadata(stream, { version: 1 });

      await client.setStreamMetadata(stream, { version: 2 });

      expect((await client.getStreamMetadata(stream)).metadata).toEqual({ version: 2 });
      expect((await readStreamEvents(client, `$$${stream}`)).map((e) => e.data)).toEqual([{ version: 2 }]);
    });

    it('checks the expected revision of the metastream like any append', async () => {
      const stream = freshStream();
      await client.setStreamMetadata(stream, { version: 1 }, { expectedRevision: NO_STREAM });

      const error = await rejectionOf(client.setStreamMetadata(stream, { version: 2 }, { expectedRevision: NO_STREAM }));
      const accepted = await client.setStreamMetadata(stream, { version: 2 }, { expectedRevision: 0n });

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: `$$${stream}`, actualVersion: 0n });
      expect(accepted.nextExpectedRevision).toBe(1n);
    });
  });

  describe('a stream with metadata but no events', () => {
    it('reads as not found, yet counts as existing for STREAM_EXISTS', async () => {
      const stream = freshStream();
      await client.setStreamMetadata(stream, { owner: 'nobody' });

      expect(await rejectionOf(readStreamEvents(client, stream))).toBeInstanceOf(StreamNotFoundError);
      const result = await client.appendToStream(stream, jsonEvents(1), { expectedRevision: STREAM_EXISTS });
      expect(result.nextExpectedRevision).toBe(0n);
    });
  });

  describe('maxCount 2, then 20 appends', () => {
    it('keeps only the last two events readable, in both directions', async () => {
      const stream = freshStream();
      await client.setStreamMetadata(stream, { maxCount: 2 });

      for (let i = 0; i < 20; i++) await client.appendToStream(stream, jsonEvents(1));

      expect(await revisionsIn(client, stream)).toEqual([18n, 19n]);
      expect(await revisionsIn(client, stream, true)).toEqual([19n, 18n]);
    });

    it('holds for a subscriber catching up too', async () => {
      const stream = freshStream();
      await client.setStreamMetadata(stream, { maxCount: 2 });
      await client.appendToStream(stream, jsonEvents(5));
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToStream(stream));
      await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');

      expect(recorder.eventsBeforeCaughtUp.map((e) => e.revision)).toEqual([3n, 4n]);
    });

    it('leaves the older events in $all', async () => {
      const stream = freshStream();
      const [first] = jsonEvents(1);
      await client.appendToStream(stream, first!);
      const [firstRecorded] = await readStreamEvents(client, stream);
      await client.setStreamMetadata(stream, { maxCount: 2 });

      await client.appendToStream(stream, jsonEvents(5));

      expect(await revisionsIn(client, stream)).toEqual([4n, 5n]);
      const [inAll] = await readAllEvents(client, { fromPosition: firstRecorded!.position!, maxCount: 1 });
      expect(inAll!.id).toBe(first!.id);
    });
  });

  describe('truncateBefore', () => {
    it('hides the revisions before it', async () => {
      const stream = freshStream();
      await client.appendToStream(stream, jsonEvents(6));

      await client.setStreamMetadata(stream, { truncateBefore: 3 });

      expect(await revisionsIn(client, stream)).toEqual([3n, 4n, 5n]);
      expect(await revisionsIn(client, stream, true)).toEqual([5n, 4n, 3n]);
    });

    it('beyond the last event, leaves an existing stream that reads empty, not missing', async () => {
      const stream = freshStream();
      await client.appendToStream(stream, jsonEvents(6));

      await client.setStreamMetadata(stream, { truncateBefore: 10 });

      expect(await revisionsIn(client, stream)).toEqual([]);
    });
  });

  describe('maxAge', () => {
    it('hides events older than maxAge seconds from stream reads', async () => {
      const stream = freshStream();
      await client.appendToStream(stream, jsonEvents(2));
      await client.setStreamMetadata(stream, { maxAge: 2 });
      await sleep(2_500);

      await client.appendToStream(stream, jsonEvents(1));

      expect(await revisionsIn(client, stream)).toEqual([2n]);
    });
  });
});
