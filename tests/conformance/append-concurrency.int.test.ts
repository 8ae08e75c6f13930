import {
  WrongExpectedVersionError,
  jsonEvent,
  type EventStoreDBClient,
  type RecordedEvent,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendPaths } from './support/append-paths.ts';
import { connectClient, jsonEvents, positionOf, readStreamEvents, uniquePrefix } from './support/esdb.ts';

const APPENDS = 10_000;
const STREAMS = 100;

describe('many appends in flight at once', () => {
  let client: EventStoreDBClient;

  beforeAll(() => {
    client = connectClient();
  });
  afterAll(() => client.dispose());

  // Protocol §6: concurrent appends share one BatchAppend call when the server advertises it,
  // and each must get exactly one answer.
  it('acknowledges each of 10,000 concurrent appends once, at distinct positions', { timeout: 120_000 }, async () => {
    const prefix = uniquePrefix('flood');
    const events = Array.from({ length: APPENDS }, (_, i) => jsonEvent({ type: 'Flooded', data: { i } }));

    // A generous deadline: this checks that every append is answered once, not how fast.
    const results = await Promise.all(
      events.map((event, i) => client.appendToStream(`${prefix}-${i % STREAMS}`, event, { deadline: 60_000 })),
    );

    const positions = results.map((result) => positionOf(result));
    expect(new Set(positions.map((p) => p.commit)).size).toBe(APPENDS);
    for (const p of positions) expect(p.commit).toBe(p.prepare);

    const stored = new Map<string, RecordedEvent>();
    for (let s = 0; s < STREAMS; s++) {
      const inStream = await readStreamEvents(client, `${prefix}-${s}`);
      expect(inStream.map((e) => e.revision)).toEqual(inStream.map((_, i) => BigInt(i)));
      for (const e of inStream) stored.set(e.id, e);
    }
    expect(stored.size).toBe(APPENDS);
    events.forEach((event, i) => {
      const recorded = stored.get(event.id)!;
      expect(recorded.position).toEqual(results[i]!.position);
      expect(recorded.revision).toBe(results[i]!.nextExpectedRevision);
    });
  });

  // Protocol §5: the expected revision is checked atomically with the write.
  describe('when 8 writers race for each next revision of one stream', () => {
    it('lets exactly one writer win each revision, and tells the others the new revision', { timeout: 60_000 }, async () => {
      const stream = `${uniquePrefix('race')}-contended`;
      await client.appendToStream(stream, jsonEvents(1));
      const winners: string[] = [];

      for (let revision = 0n; revision < 10n; revision++) {
        // Half the contenders go through BatchAppend, half through the single Append call.
        const contenders = Array.from({ length: 8 }, (_, i) => ({
          event: jsonEvent({ type: 'Contended', data: { revision: Number(revision), i } }),
          options: appendPaths[i % appendPaths.length]!.options,
        }));
        const outcomes = await Promise.allSettled(
          contenders.map(({ event, options }) => client.appendToStream(stream, event, { ...options, expectedRevision: revision })),
        );

        const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [{ result: o.value, id: contenders[i]!.event.id }] : []));
        const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(won[0]!.result.nextExpectedRevision).toBe(revision + 1n);
        for (const error of lost) {
          expect(error).toBeInstanceOf(WrongExpectedVersionError);
          expect(error).toMatchObject({ expectedVersion: revision, actualVersion: revision + 1n });
        }
        winners.push(won[0]!.id);
      }

      const stored = await readStreamEvents(client, stream);
      expect(stored.slice(1).map((e) => e.id)).toEqual(winners);
    });
  });
});
