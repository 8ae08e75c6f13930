import { spawnSync } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEsdbDev } from '../../infra/esdb-dev/index.ts';
import { EVENT_FILE_NAME } from '../../infra/esdb-dev/store/durable-file.ts';
import { testEnvironment } from '../support/environment.ts';
import { killHard, startEsdbDevProcess } from './esdb-dev-process.ts';
import { userEventTypes } from './user-event-types.ts';


async function flipByte(file: string, at: number): Promise<void> {
  const handle = await open(file, 'r+');
  const byte = Buffer.alloc(1);
  await handle.read(byte, 0, 1, at);
  byte[0] = (byte[0] ?? 0) ^ 0xff;
  await handle.write(byte, 0, 1, at);
  await handle.close();
}

/** A pino logger whose JSON lines land in `lines`. */
function capturingLogger(lines: Array<Record<string, unknown>>) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: 'info' }, stream);
}

describe.skipIf(!testEnvironment().esdbIsDev)('esdb-dev opening an event file damaged before its last write', () => {
  let dataDir: string;
  let file: string;
  /** Where the write of `Second` starts: after the `$settings` and `First` writes. */
  let secondWriteAt: number;
  let originalBytes: Buffer;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'esdb-dev-corrupt-'));
    file = join(dataDir, EVENT_FILE_NAME);
    const server = await startEsdbDev({ port: 0, dataDir });
    const client = EventStoreDBClient.connectionString(server.url);
    await client.appendToStream('order-1', [jsonEvent({ type: 'First', data: {} })]);
    secondWriteAt = (await stat(file)).size;
    await client.appendToStream('order-1', [jsonEvent({ type: 'Second', data: { note: 'x'.repeat(100) } })]);
    await client.appendToStream('order-1', [jsonEvent({ type: 'Third', data: {} }), jsonEvent({ type: 'Fourth', data: {} })]);
    await client.dispose();
    await server.stop();
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function damage(at: number) {
    await flipByte(file, at);
    originalBytes = await readFile(file);
  }

  it('refuses to start, naming the file, the byte offset and --repair, and leaves the file as it was', async () => {
    await damage(secondWriteAt + 40);

    const started = startEsdbDev({ port: 0, dataDir });

    await expect(started).rejects.toThrow(file);
    await expect(started).rejects.toThrow(`byte ${secondWriteAt}`);
    await expect(started).rejects.toThrow('--repair');
    expect((await readFile(file)).equals(originalBytes)).toBe(true);
  });

  it('refuses to start when the damage is in a write’s length, so where the next write starts is unknown', async () => {
    await damage(secondWriteAt + 2);

    await expect(startEsdbDev({ port: 0, dataDir })).rejects.toThrow(`byte ${secondWriteAt}`);
    expect((await readFile(file)).equals(originalBytes)).toBe(true);
  });

  it('with repair, keeps a copy of the file, cuts at the damage and logs how many events it dropped', async () => {
    await damage(secondWriteAt + 40);
    const lines: Array<Record<string, unknown>> = [];

    const server = await startEsdbDev({ port: 0, dataDir, repair: true, logger: capturingLogger(lines) });
    try {
      expect(await userEventTypes(server.url)).toEqual(['First']);
    } finally {
      await server.stop();
    }

    const copies = (await readdir(dataDir)).filter((name) => name.startsWith(`${EVENT_FILE_NAME}.corrupt-`));
    expect(copies).toHaveLength(1);
    expect((await readFile(join(dataDir, copies[0] as string))).equals(originalBytes)).toBe(true);
    expect((await stat(file)).size).toBe(secondWriteAt);
    const repaired = lines.find((line) => String(line.msg).includes('repaired'));
    // The damaged write's own events cannot be counted; the intact write after it held two.
    expect(repaired).toMatchObject({ damagedAt: secondWriteAt, droppedEvents: 2, copy: join(dataDir, copies[0] as string) });
  });

  it('npm run esdb-dev exits 1 on such a file, and starts with --repair', async () => {
    await damage(secondWriteAt + 40);
    const main = fileURLToPath(new URL('../../infra/esdb-dev/main.ts', import.meta.url));

    // Hang guard: a server that does start would run forever.
    const refused = spawnSync(process.execPath, ['--import', 'tsx', main, '--port', '0', '--data-dir', dataDir], { encoding: 'utf8', timeout: 20_000 });
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/--repair/);

    const repaired = await startEsdbDevProcess(['--port', '0', '--data-dir', dataDir, '--repair']);
    try {
      expect(await userEventTypes(repaired.url)).toEqual(['First']);
    } finally {
      await killHard(repaired);
    }
  });
});
