import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  jsonEvent,
  type AppendResult,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendPaths } from './support/append-paths.ts';
import { connectClient, jsonEvents, readStreamEvents, rejectionOf, uniquePrefix } from './support/esdb.ts';

// Protocol §5, "Idempotency": re-sending events whose ids the stream already holds is a
// successful no-op; a batch that only partly matches is a wrong expected version.
describe.each(appendPaths)('re-sending events through $path', ({ options }) => {
  let client: EventStoreDBClient;
  let prefix: string;
  let streamCount = 0;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('append_idempotent');
  });
  afterAll(() => client.dispose());

  describe('when the stream holds events A, B, C written in one append', () => {
    const events = jsonEvents(3);
    let stream: string;
    let first: AppendResult;

    beforeAll(async () => {
      stream = `${prefix}-${++streamCount}`;
      first = await client.appendToStream(stream, events, { ...options, expectedRevision: NO_STREAM });
    });

    const idsInStream = async () => (await readStreamEvents(client, stream)).map((e) => e.id);

    it.each([
      ['NO_STREAM', NO_STREAM],
      ['ANY', ANY],
      ['STREAM_EXISTS', STREAM_EXISTS],
    ] as const)('accepts A, B, C again with %s and writes nothing', async (_name, expectedRevision) => {
      const again = await client.appendToStream(stream, events, { ...options, expectedRevision });

      expect(again).toMatchObject({ success: true, nextExpectedRevision: 2n, position: first.position });
      expect(await idsInStream()).toEqual(events.map((e) => e.id));
    });

    it('reports the original place of the last re-sent event when only A is re-sent', async () => {
      const [a] = await readStreamEvents(client, stream, { maxCount: 1 });

      const again = await client.appendToStream(stream, events[0]!, { ...options, expectedRevision: NO_STREAM });

      expect(again).toMatchObject({ success: true, nextExpectedRevision: 0n, position: a!.position });
      expect(await idsInStream()).toHaveLength(3);
    });

    it.each([
      ['NO_STREAM', NO_STREAM],
      ['ANY', ANY],
    ] as const)('refuses A followed by a new event with %s and writes nothing', async (_name, expectedRevision) => {
      const partlyKnown = [events[0]!, jsonEvent({ type: 'TestEvent', data: { index: 99 } })];

      const error = await rejectionOf(client.appendToStream(stream, partlyKnown, { ...options, expectedRevision }));

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(await idsInStream()).toEqual(events.map((e) => e.id));
    });
  });

  describe('when the stream holds A, B and then C, D appended at expected revision 1', () => {
    const ab = jsonEvents(2);
    const cd = jsonEvents(2);
    let stream: string;

    beforeAll(async () => {
      stream = `${prefix}-${++streamCount}`;
      await client.appendToStream(stream, ab, { ...options, expectedRevision: NO_STREAM });
      await client.appendToStream(stream, cd, { ...options, expectedRevision: 1n });
    });

    it('accepts C, D again at expected revision 1 and writes nothing', async () => {
      const again = await client.appendToStream(stream, cd, { ...options, expectedRevision: 1n });

      expect(again).toMatchObject({ success: true, nextExpectedRevision: 3n });
      expect(await readStreamEvents(client, stream)).toHaveLength(4);
    });

    it('refuses C followed by a new event at expected revision 1', async () => {
      const partlyKnown = [cd[0]!, jsonEvent({ type: 'TestEvent', data: { index: 99 } })];

      const error = await rejectionOf(client.appendToStream(stream, partlyKnown, { ...options, expectedRevision: 1n }));

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ expectedVersion: 1n, actualVersion: 3n });
      expect(await readStreamEvents(client, stream)).toHaveLength(4);
    });
  });

  describe('when ids are known elsewhere', () => {
    it('compares ids within the same stream only', async () => {
      const events = jsonEvents(2);
      const one = `${prefix}-${++streamCount}`;
      const other = `${prefix}-${++streamCount}`;
      await client.appendToStream(one, events, options);

      const result = await client.appendToStream(other, events, { ...options, expectedRevision: NO_STREAM });

      expect(result.nextExpectedRevision).toBe(1n);
      expect((await readStreamEvents(client, other)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    });

    it('judges an ANY append by its first id: a new event followed by a known one writes both', async () => {
      const stream = `${prefix}-${++streamCount}`;
      const [known] = jsonEvents(1);
      await client.appendToStream(stream, known!, options);
      const fresh = jsonEvent({ type: 'TestEvent', data: { index: 1 } });

      const result = await client.appendToStream(stream, [fresh, known!], { ...options, expectedRevision: ANY });

      expect(result.nextExpectedRevision).toBe(2n);
      expect((await readStreamEvents(client, stream)).map((e) => e.id)).toEqual([known!.id, fresh.id, known!.id]);
    });
  });
});
