import type { EventStoreDBClient, Position } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  comparePositions,
  connectClient,
  jsonEvents,
  positionOf,
  readAllEvents,
  readStreamEvents,
  strictlyIncreasing,
  uniquePrefix,
} from './support/esdb.ts';

// Protocol §3 "$all and positions" and §5 "Success": every event gets its own position in the
// global log, with commit == prepare; an append reports the position of its last event.
describe('positions of appended events', () => {
  let client: EventStoreDBClient;
  let prefix: string;

  beforeAll(() => {
    client = connectClient();
    prefix = uniquePrefix('append_positions');
  });
  afterAll(() => client.dispose());

  describe('when five events are appended in one call', () => {
    let stream: string;
    let reported: Position;

    beforeAll(async () => {
      stream = `${prefix}-batch`;
      reported = positionOf(await client.appendToStream(stream, jsonEvents(5)));
    });

    it('reports a position whose commit equals its prepare', () => {
      expect(reported.commit).toBe(reported.prepare);
      expect(reported.commit).toBeGreaterThan(0n);
    });

    it('gives each event its own position, commit equal to prepare, strictly growing', async () => {
      const positions = (await readStreamEvents(client, stream)).map((e) => e.position!);

      expect(positions).toHaveLength(5);
      for (const position of positions) expect(position.commit).toBe(position.prepare);
      expect(strictlyIncreasing(positions)).toBe(true);
    });

    it('reports the position of the last event written', async () => {
      const events = await readStreamEvents(client, stream);

      expect(events.at(-1)!.position).toEqual(reported);
    });

    it('keeps the events of one append together in $all', async () => {
      const inStream = await readStreamEvents(client, stream);

      const inAll = await readAllEvents(client, { fromPosition: inStream[0]!.position!, maxCount: 5 });

      expect(inAll.map((e) => e.id)).toEqual(inStream.map((e) => e.id));
      expect(inAll.map((e) => e.position)).toEqual(inStream.map((e) => e.position));
    });
  });

  describe('when appends follow one another', () => {
    it('reports strictly growing positions, across streams too', async () => {
      const positions: Position[] = [];
      for (let i = 0; i < 10; i++) {
        positions.push(positionOf(await client.appendToStream(`${prefix}-seq-${i % 3}`, jsonEvents(1 + (i % 2)))));
      }

      expect(strictlyIncreasing(positions)).toBe(true);
    });

    it('places an event after every event acknowledged before it, whichever connection wrote it', async () => {
      const otherClient = connectClient();
      try {
        const earlier = positionOf(await client.appendToStream(`${prefix}-order-a`, jsonEvents(1)));
        const later = positionOf(await otherClient.appendToStream(`${prefix}-order-b`, jsonEvents(1)));

        expect(comparePositions(earlier, later)).toBeLessThan(0);
      } finally {
        await otherClient.dispose();
      }
    });
  });
});
