import { appendFile, mkdtemp, open, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEsdbDev } from '../../infra/esdb-dev/index.ts';
import { EVENT_FILE_NAME } from '../../infra/esdb-dev/store/durable-file.ts';
import { testEnvironment } from '../support/environment.ts';
import { userEventTypes } from './user-event-types.ts';


describe.skipIf(!testEnvironment().esdbIsDev)('esdb-dev opening an event file whose tail a crash left damaged', () => {
  let dataDir: string;
  let file: string;
  /** File size after the first two appends, before the last one. */
  let intactSize: number;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'esdb-dev-torn-'));
    file = join(dataDir, EVENT_FILE_NAME);
    const server = await startEsdbDev({ port: 0, dataDir });
    const client = EventStoreDBClient.connectionString(server.url);
    await client.appendToStream('order-1', [jsonEvent({ type: 'First', data: {} })]);
    await client.appendToStream('order-1', [jsonEvent({ type: 'Second', data: {} })]);
    intactSize = (await stat(file)).size;
    await client.appendToStream('order-1', [jsonEvent({ type: 'Last', data: { padding: 'x'.repeat(200) } }), jsonEvent({ type: 'AlsoLast', data: {} })]);
    await client.dispose();
    await server.stop();
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function restartAndExpectOnlyIntactEvents() {
    const server = await startEsdbDev({ port: 0, dataDir });
    try {
      expect(await userEventTypes(server.url)).toEqual(['First', 'Second']);
      expect((await stat(file)).size).toBe(intactSize);
      // The log goes on from the cut: the next append is stored and survives another restart.
      const client = EventStoreDBClient.connectionString(server.url);
      const result = await client.appendToStream('order-1', [jsonEvent({ type: 'AfterRepair', data: {} })], { expectedRevision: 1n });
      expect(result.nextExpectedRevision).toBe(2n);
      await client.dispose();
    } finally {
      await server.stop();
    }
    const reopened = await startEsdbDev({ port: 0, dataDir });
    expect(await userEventTypes(reopened.url)).toEqual(['First', 'Second', 'AfterRepair']);
    await reopened.stop();
  }

  it('cuts a last write that is only half on disk, and never serves any of it', async () => {
    const { size } = await stat(file);
    await truncate(file, size - 100);
    await restartAndExpectOnlyIntactEvents();
  });

  it('cuts a last write whose bytes do not match their checksum', async () => {
    const handle = await open(file, 'r+');
    const { size } = await handle.stat();
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, size - 10);
    byte[0] = (byte[0] ?? 0) ^ 0xff;
    await handle.write(byte, 0, 1, size - 10);
    await handle.close();
    await restartAndExpectOnlyIntactEvents();
  });

  it('cuts garbage after the last complete write', async () => {
    await truncate(file, intactSize);
    await appendFile(file, Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    await restartAndExpectOnlyIntactEvents();
  });

  it('refuses to start on a file that is not an esdb-dev event file', async () => {
    await writeFile(file, 'certainly not an event log');
    await expect(startEsdbDev({ port: 0, dataDir })).rejects.toThrow(/not an esdb-dev event file/);
  });
});
