import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnLauncher, type LauncherProcess } from '../support/launcher-process.ts';
import { queryOnce as query } from '../support/query-once.ts';

/**
 * `rm -rf DATA_DIR && npm start` is a fresh system: no old read model, checkpoint or idempotency answer
 * survives in the embedded PostgreSQL, wherever its cluster lives (as root, outside DATA_DIR).
 */

const upTimeoutMs = 90_000;
let workDir: string;
let dataDir: string;
let launcher: LauncherProcess | undefined;
/** Every cluster a life of this test used, to delete at the end wherever it lives. */
const clusters = new Set<string>();


async function eventCount(url: string, stream: string): Promise<number> {
  const client = EventStoreDBClient.connectionString(url);
  try {
    let count = 0;
    for await (const _ of client.readStream(stream)) count++;
    return count;
  } catch (error) {
    if ((error as Error).name === 'StreamNotFoundError' || /not found/i.test((error as Error).message)) return 0;
    throw error;
  } finally {
    await client.dispose();
  }
}

async function startEmbedded() {
  launcher = spawnLauncher({ dataDir, env: { ESDB_URL: undefined, DATABASE_URL: undefined } });
  const runtime = await launcher.up(upTimeoutMs);
  clusters.add(await realpath(join(dataDir, 'postgres')));
  return runtime;
}

async function stop() {
  expect(await launcher?.stop()).toBe(0);
  launcher = undefined;
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('npm start on a DATA_DIR deleted since its last start', () => {
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'commerce-fresh-data-dir-'));
    dataDir = join(workDir, 'data');
  });

  // A failed step must not leave its launcher running on DATA_DIR for the next one.
  afterEach(async () => {
    await launcher?.stop();
    launcher = undefined;
  });

  afterAll(async () => {
    for (const cluster of clusters) await rm(cluster, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('keeps the database password and runtime.json readable by their owner only', { timeout: 180_000 }, async () => {
    const runtime = await startEmbedded();
    expect(await modeOf(join(dataDir, 'runtime.json'))).toBe(0o600);
    expect(await modeOf(join(dataDir, 'postgres-password'))).toBe(0o600);
    expect(decodeURIComponent(new URL(runtime.databaseUrl).password)).not.toBe('postgres');
    await stop();
  });

  it('starts with an empty event log and an empty database', { timeout: 180_000 }, async () => {
    const before = await startEmbedded();
    await query(before.databaseUrl, 'CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (1)');
    const client = EventStoreDBClient.connectionString(before.esdbUrl);
    await client.appendToStream('launcher-fresh-e2e', jsonEvent({ type: 'Kept', data: {} }));
    await client.dispose();
    await stop();

    await rm(dataDir, { recursive: true, force: true });
    const after = await startEmbedded();
    expect(await eventCount(after.esdbUrl, 'launcher-fresh-e2e')).toBe(0);
    expect(await query(after.databaseUrl, `SELECT to_regclass('kept')::text AS kept`)).toEqual([{ kept: null }]);
    await stop();
  });
});
