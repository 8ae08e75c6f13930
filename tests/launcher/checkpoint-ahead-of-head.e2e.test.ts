import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEsdbDev, type EsdbDevServer } from '../../infra/esdb-dev/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { coreMigrations } from '../../infra/postgres/migrations/index.ts';
import { migrate } from '../../infra/postgres/migrations.ts';
import { createFreshDatabase, type FreshDatabase } from '../postgres/fresh-database.ts';
import { spawnLauncher, type LauncherProcess } from '../support/launcher-process.ts';
import { testEnvironment } from '../support/environment.ts';

/**
 * Read models whose checkpoints are ahead of the event store they are pointed at (a wrong ESDB_URL, an event
 * store restored from an older backup or wiped): following it from there would skip every event up to the
 * checkpoint without a word. The launcher refuses to start instead.
 */

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
/** A hang guard, not a speed requirement. */
const exitTimeoutMs = 60_000;

let esdb: EsdbDevServer;
let database: FreshDatabase;
let dataDir: string;
let launcher: LauncherProcess | undefined;

async function sql(text: string, values: unknown[] = []) {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    return (await client.query(text, values)).rows as unknown[];
  } finally {
    await client.end();
  }
}

/** The position of the newest event in `$all`, after appending one. */
async function appendOne(): Promise<bigint> {
  const client = EventStoreDBClient.connectionString(esdb.url);
  try {
    const result = await client.appendToStream('launcher-checkpoint-e2e', jsonEvent({ type: 'Appended', data: { n: 1 } }));
    return result.position?.commit ?? 0n;
  } finally {
    await client.dispose();
  }
}

function launch() {
  launcher = spawnLauncher({ dataDir, services: ['projections', 'query'], env: { ESDB_URL: esdb.url, DATABASE_URL: database.url } });
  return launcher;
}

/** The launcher's pino lines (it logs JSON, one object a line). */
const logLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** The launcher's exit code, or 'still running' once the hang guard runs out. */
async function exitOf(process: LauncherProcess) {
  return Promise.race([process.exited, sleep(exitTimeoutMs).then(() => 'still running')]);
}

beforeEach(async () => {
  esdb = await startEsdbDev({ port: 0, logger }); // in memory: an event store with nothing in it
  database = await createFreshDatabase(testEnvironment().databaseUrl, 'checkpoint_ahead');
  const pool = new pg.Pool({ connectionString: database.url });
  await migrate(pool, coreMigrations, logger);
  await pool.end();
  dataDir = await mkdtemp(join(tmpdir(), 'commerce-checkpoint-ahead-'));
});

afterEach(async () => {
  await launcher?.stop();
  launcher = undefined;
  await database.drop();
  await esdb.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('starting on read models and an event store', () => {
  it('refuses with exit code 1, naming the checkpoint, its position and the head, when a checkpoint is ahead of the head', { timeout: 120_000 }, async () => {
    await sql(`INSERT INTO checkpoints (name, position) VALUES ('products', 123456789), ('orders', NULL)`);

    const started = launch();
    expect(await exitOf(started)).toBe(1);
    const refusals = logLines(started.output()).filter((line) => line.component === 'checkpoints' && line.level === 50);
    expect(refusals).toEqual([
      expect.objectContaining({
        checkpoint: 'products',
        position: '123456789',
        head: expect.stringMatching(/^\d{1,3}$/), // an empty store's own first records at most
        msg: expect.stringMatching(/^checkpoint "products" is at position 123456789, ahead of the event store's head \(position \d+\)$/),
      }),
    ]);
    // Nothing moved: the checkpoint is as it was, for the operator to look at.
    expect(await sql(`SELECT position::text FROM checkpoints WHERE name = 'products'`)).toEqual([{ position: '123456789' }]);
  });

  it('starts when every checkpoint is at or behind the head, or has none yet', { timeout: 120_000 }, async () => {
    const head = await appendOne();
    await sql(`INSERT INTO checkpoints (name, position) VALUES ('products', $1), ('orders', NULL)`, [head.toString()]);

    const started = launch();
    const up = await Promise.race([started.up(exitTimeoutMs).then(() => 'up'), started.exited.then((code) => `exited with ${code}`)]);
    expect(up, started.output()).toBe('up');
  });
});
