import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, jsonEvents, readAllEvents, readStreamEvents, rejectionOf, uniquePrefix } from './support/esdb.ts';
import { SubscriptionRecorder } from './support/subscription-recorder.ts';

// Protocol §9 "Soft delete": the stream reads as not found, its revisions keep counting, an
// append brings it back with only the new events visible, and $all keeps the old ones.
describe('soft-deleting a stream', () => {
  let client: EventStoreDBClient;
  let prefix: string;
  let streamCount = 0;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('delete');
  });
  afterAll(() => client.dispose());

  /** A stream whose last revision is 2. */
  async function streamWithThreeEvents(): Promise<string> {
    const stream = `${prefix}-${++streamCount}`;
    await client.appendToStream(stream, jsonEvents(3));
    return stream;
  }

  async function deletedStream(): Promise<string> {
    const stream = await streamWithThreeEvents();
    await client.deleteStream(stream, { expectedRevision: 2n });
    return stream;
  }

  describe('with the right expected revision', () => {
    it.each([
      ['its last revision', 2n],
      ['ANY', ANY],
    ] as const)('succeeds with %s, and reads then report the stream as not found', async (_name, expectedRevision) => {
      const stream = await streamWithThreeEvents();

      await client.deleteStream(stream, { expectedRevision });

      expect(await rejectionOf(readStreamEvents(client, stream))).toBeInstanceOf(StreamNotFoundError);
      const backwards = readStreamEvents(client, stream, { fromRevision: END, direction: BACKWARDS });
      expect(await rejectionOf(backwards)).toBeInstanceOf(StreamNotFoundError);
    });
  });

  describe('of a stream that has metadata but no events', () => {
    it('succeeds with NO_STREAM', async () => {
      const stream = `${prefix}-metadata-only`;
      await client.setStreamMetadata(stream, { cacheControl: 10 });

      await client.deleteStream(stream, { expectedRevision: NO_STREAM });

      expect(await rejectionOf(readStreamEvents(client, stream))).toBeInstanceOf(StreamNotFoundError);
    });
  });

  describe('with a wrong expected revision', () => {
    it('refuses an exact revision, reporting the actual one, and deletes nothing', async () => {
      const stream = await streamWithThreeEvents();

      const error = await rejectionOf(client.deleteStream(stream, { expectedRevision: 5n }));

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, expectedVersion: 5n, actualVersion: 2n });
      expect(await readStreamEvents(client, stream)).toHaveLength(3);
    });

    it('refuses NO_STREAM on a stream that has events', async () => {
      const stream = await streamWithThreeEvents();

      const error = await rejectionOf(client.deleteStream(stream, { expectedRevision: NO_STREAM }));

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: stream, actualVersion: 2n });
      expect(await readStreamEvents(client, stream)).toHaveLength(3);
    });

    it('refuses to delete a stream that was never written', async () => {
      const stream = `${prefix}-never-written`;

      expect(await rejectionOf(client.deleteStream(stream, { expectedRevision: ANY }))).toBeInstanceOf(
        WrongExpectedVersionError,
      );
    });
  });

  describe('after the delete', () => {
    it('keeps the old events in $all', async () => {
      const stream = await streamWithThreeEvents();
      const [first] = await readStreamEvents(client, stream, { maxCount: 1 });
      await client.deleteStream(stream);

      const [inAll] = await readAllEvents(client, { fromPosition: first!.position!, maxCount: 1 });

      expect(inAll!.id).toBe(first!.id);
    });

    it.each([
      ['ANY', ANY],
      ['NO_STREAM', NO_STREAM],
      ['the last revision before the delete', 2n],
    ] as const)('recreates the stream on an append with %s, numbering on from 3', async (_name, expectedRevision) => {
      const stream = await deletedStream();
      const [fresh] = jsonEvents(1);

      const result = await client.appendToStream(stream, fresh!, { expectedRevision });

      expect(result.nextExpectedRevision).toBe(3n);
      const visible = await readStreamEvents(client, stream);
      expect(visible.map((e) => [e.revision, e.id])).toEqual([[3n, fresh!.id]]);
    });

    it('hides the old events by truncating before the first new revision', async () => {
      const stream = await deletedStream();
      await client.appendToStream(stream, jsonEvents(1));

      const { metadata } = await client.getStreamMetadata(stream);

      expect(metadata?.truncateBefore).toBe(3);
    });

    it('refuses STREAM_EXISTS as a deleted stream', async () => {
      const stream = await deletedStream();

      const error = await rejectionOf(client.appendToStream(stream, jsonEvents(1), { expectedRevision: STREAM_EXISTS }));

      expect(error).toBeInstanceOf(StreamDeletedError);
    });

    it('can be deleted again', async () => {
      const stream = await deletedStream();

      await client.deleteStream(stream, { expectedRevision: ANY });

      expect(await rejectionOf(readStreamEvents(client, stream))).toBeInstanceOf(StreamNotFoundError);
    });

    it('lets a subscriber from START see nothing old, then the new events live', async () => {
      const stream = await deletedStream();
      const recorder = new SubscriptionRecorder();

      recorder.attach(client.subscribeToStream(stream));
      await recorder.waitFor(() => recorder.hasCaughtUp, 'caughtUp');
      await client.appendToStream(stream, jsonEvents(2));
      await recorder.waitForEvents(2);

      expect(recorder.eventsBeforeCaughtUp).toEqual([]);
      expect(recorder.events.map((e) => e.revision)).toEqual([3n, 4n]);
    });
  });
});
