import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, jsonEvent, NO_STREAM, StreamDeletedError, type AppendResult } from '@eventstore/db-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEnvironment } from '../support/environment.ts';
import { killHard, startEsdbDevProcess, type EsdbDevProcess } from './esdb-dev-process.ts';

async function readAllUserEvents(client: EventStoreDBClient) {
  const events = [];
  for await (const { event } of client.readAll()) {
    if (event && !event.streamId.startsWith('$')) events.push(event);
  }
  return events;
}

describe.skipIf(!testEnvironment().esdbIsDev)('esdb-dev with a data folder, killed with SIGKILL', () => {
  let dataDir: string;
  let running: EsdbDevProcess | undefined;
  let client: EventStoreDBClient | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'esdb-dev-durability-'));
  });

  afterEach(async () => {
    await client?.dispose();
    if (running) await killHard(running);
    running = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  async function restart() {
    await client?.dispose();
    if (running) await killHard(running);
    running = await startEsdbDevProcess(['--port', '0', '--data-dir', dataDir]);
    client = EventStoreDBClient.connectionString(running.url);
    return client;
  }

  it('serves every acknowledged append after the restart, exactly as written', async () => {
    const before = await restart();
    const acknowledged = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        before.appendToStream(`order-${i % 10}`, [jsonEvent({ type: 'OrderPlaced', data: { i, note: 'ünïcode ✓' } })]),
      ),
    );
    const written = await readAllUserEvents(before);

    const after = await restart();
    const restored = await readAllUserEvents(after);

    expect(restored).toHaveLength(100);
    expect(restored.map((event) => [event.id, event.streamId, event.revision, event.position, event.data])).toEqual(
      written.map((event) => [event.id, event.streamId, event.revision, event.position, event.data]),
    );
    const positions = new Set<bigint | undefined>(restored.map((event) => event.position?.commit));
    for (const result of acknowledged) expect(positions.has(result.position?.commit)).toBe(true);
  });

  it('keeps every append acknowledged before a kill in the middle of a write burst', async () => {
    const before = await restart();
    const acknowledged: AppendResult[] = [];
    let stop = false;
    const writers = Array.from({ length: 16 }, async (_, writer) => {
      for (let i = 0; !stop; i++) {
        try {
          acknowledged.push(await before.appendToStream(`burst-${writer}`, [jsonEvent({ type: 'Tick', data: { writer, i } })]));
        } catch {
          return; // the server died under this append: it was never acknowledged
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    if (running) await killHard(running);
    running = undefined;
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(0);

    const after = await restart();
    const restored = await readAllUserEvents(after);
    const positions = new Set<bigint | undefined>(restored.map((event) => event.position?.commit));
    for (const result of acknowledged) expect(positions.has(result.position?.commit)).toBe(true);
    // Each stream is intact: revisions 0..n without gaps.
    const revisionsByStream = new Map<string, bigint[]>();
    for (const event of restored) {
      revisionsByStream.set(event.streamId, [...(revisionsByStream.get(event.streamId) ?? []), event.revision]);
    }
    for (const revisions of revisionsByStream.values()) expect(revisions).toEqual(revisions.map((_, i) => BigInt(i)));
  });

  it('restores stream states: revisions, metadata, soft deletes and tombstones', async () => {
    const before = await restart();
    await before.appendToStream('cart-1', [jsonEvent({ type: 'A', data: {} }), jsonEvent({ type: 'B', data: {} })], {
      expectedRevision: NO_STREAM,
    });
    await before.setStreamMetadata('capped', { maxCount: 1 });
    await before.appendToStream('capped', [jsonEvent({ type: 'A', data: {} }), jsonEvent({ type: 'B', data: {} })]);
    await before.appendToStream('gone', [jsonEvent({ type: 'A', data: {} })]);
    await before.deleteStream('gone');
    await before.tombstoneStream('dead');
    const lastBefore = (await readAllUserEvents(before)).at(-1)?.position?.commit ?? 0n;

    const after = await restart();
    const next = await after.appendToStream('cart-1', [jsonEvent({ type: 'C', data: {} })], { expectedRevision: 1n });
    expect(next.nextExpectedRevision).toBe(2n);
    expect(next.position?.commit).toBeGreaterThan(lastBefore);

    const capped = [];
    for await (const { event } of after.readStream('capped')) capped.push(event?.type);
    expect(capped).toEqual(['B']);
    await expect(async () => {
      for await (const _ of after.readStream('gone')) void _;
    }).rejects.toThrow(/not found/);
    await expect(after.appendToStream('dead', [jsonEvent({ type: 'A', data: {} })])).rejects.toBeInstanceOf(StreamDeletedError);
  });
});
