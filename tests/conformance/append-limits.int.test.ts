import {
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  StreamNotFoundError,
  jsonEvent,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendPaths } from './support/append-paths.ts';
import { connectClient, jsonEvents, readStreamEvents, rejectionOf, uniquePrefix } from './support/esdb.ts';

const KIB = 1024;
const MIB = 1024 * KIB;
const payload = (bytes: number) => jsonEvent({ type: 'Big', data: { text: 'x'.repeat(bytes) } });

/** Settles with the call's outcome, or fails when it neither succeeds nor fails within `ms`. */
async function outcomeWithin(ms: number, call: Promise<unknown>): Promise<{ ok: true } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the call neither succeeded nor failed within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([call, hang]);
    return { ok: true };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('the call neither')) throw error;
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

// Protocol §5 "Validation / limits" and §6: one append may carry at most 1 MiB (data + metadata
// + twice the type length per event) by default; a past deadline is answered, never left hanging.
describe.each(appendPaths)('limits of an append through $path', ({ options }) => {
  let client: EventStoreDBClient;
  let prefix: string;
  let streamCount = 0;
  const freshStream = () => `${prefix}-${++streamCount}`;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('limits');
  });
  afterAll(() => client.dispose());

  describe('size', () => {
    it('accepts an event just under 1 MiB', async () => {
      const stream = freshStream();

      await client.appendToStream(stream, payload(MIB - 4 * KIB), options);

      const [stored] = await readStreamEvents(client, stream);
      expect((stored!.data as { text: string }).text).toHaveLength(MIB - 4 * KIB);
    });

    it('refuses a single event over 1 MiB with MaxAppendSizeExceededError and writes nothing', async () => {
      const stream = freshStream();

      const error = await rejectionOf(client.appendToStream(stream, payload(MIB + 64 * KIB), options));

      expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
      expect((error as MaxAppendSizeExceededError).maxAppendSize).toBeGreaterThan(0);
      expect((error as MaxAppendSizeExceededError).maxAppendSize).toBeLessThan(MIB + 64 * KIB);
      expect(await rejectionOf(readStreamEvents(client, stream))).toBeInstanceOf(StreamNotFoundError);
    });

    it('refuses many small events adding up to over 1 MiB, and writes none of them', async () => {
      const stream = freshStream();
      const events = Array.from({ length: 300 }, () => payload(4 * KIB));

      const error = await rejectionOf(client.appendToStream(stream, events, options));

      expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
      expect(await rejectionOf(readStreamEvents(client, stream))).toBeInstanceOf(StreamNotFoundError);
    });
  });

  describe('deadline', () => {
    it('answers an append with a 1 ms deadline by success or DeadlineExceededError, never a hang', async () => {
      const stream = freshStream();

      const outcome = await outcomeWithin(5_000, client.appendToStream(stream, jsonEvents(100), { ...options, deadline: 1 }));

      if (!outcome.ok) expect(outcome.error).toBeInstanceOf(DeadlineExceededError);
    });

    // As in the client's own tests: the deadline is checked before the size, so an append that
    // is both late and too big fails as late.
    it('fails a 30,000-event append with a 1 ms deadline with DeadlineExceededError', async () => {
      const error = await rejectionOf(client.appendToStream(freshStream(), jsonEvents(30_000), { ...options, deadline: 1 }));

      expect(error).toBeInstanceOf(DeadlineExceededError);
    });

    it('keeps serving the same connection afterwards', async () => {
      const stream = freshStream();
      await outcomeWithin(5_000, client.appendToStream(stream, jsonEvents(10), { ...options, deadline: 1 }));

      const result = await client.appendToStream(`${stream}-after`, jsonEvents(1), options);

      expect(result.success).toBe(true);
    });
  });
});
