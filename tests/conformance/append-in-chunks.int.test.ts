import { MaxAppendSizeExceededError, StreamNotFoundError, jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, readAllEvents, readStreamEvents, rejectionOf, uniquePrefix } from './support/esdb.ts';

const padded = (count: number, padBytes: number) =>
  Array.from({ length: count }, (_, i) => jsonEvent({ type: 'Chunked', data: { i, pad: 'c'.repeat(padBytes) } }));

// Protocol §6: over BatchAppend the client cuts an append into chunks of about `batchAppendSize`
// bytes sharing one correlation id, and chunks of concurrent appends interleave on the one call.
// A small batchAppendSize forces many chunks; the server must still treat each append as one.
describe('appends the client splits into many BatchAppend chunks', () => {
  let client: EventStoreDBClient;
  let prefix: string;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('chunks');
  });
  afterAll(() => client.dispose());

  it('are written whole, in order, and together in $all', async () => {
    const stream = `${prefix}-one`;
    const events = padded(50, 100);

    const result = await client.appendToStream(stream, events, { batchAppendSize: 1_000 });

    expect(result.nextExpectedRevision).toBe(49n);
    const stored = await readStreamEvents(client, stream);
    expect(stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
    const inAll = await readAllEvents(client, { fromPosition: stored[0]!.position!, maxCount: 50 });
    expect(inAll.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('are each written whole when twenty of them interleave', async () => {
    const appends = Array.from({ length: 20 }, (_, k) => ({ stream: `${prefix}-many-${k}`, events: padded(30, 200) }));

    const results = await Promise.all(
      appends.map(({ stream, events }) => client.appendToStream(stream, events, { batchAppendSize: 2_000 })),
    );

    expect(results.map((r) => r.nextExpectedRevision)).toEqual(appends.map(() => 29n));
    for (const { stream, events } of appends) {
      expect((await readStreamEvents(client, stream)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    }
  });

  it('count toward the 1 MiB limit together: over it, nothing is written', async () => {
    const stream = `${prefix}-too-big`;

    const error = await rejectionOf(client.appendToStream(stream, padded(300, 4096), { batchAppendSize: 64 * 1024 }));

    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect(await rejectionOf(readStreamEvents(client, stream))).toBeInstanceOf(StreamNotFoundError);
  });
});
