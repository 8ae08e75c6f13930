import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../infra/postgres/embedded-postgres.ts';
import { queryOnce as query } from '../support/query-once.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'embedded-postgres-test' });
const moduleUrl = new URL('../../infra/postgres/embedded-postgres.ts', import.meta.url).href;


/** Starts embedded PostgreSQL in a separate node process and resolves with its URL once it is ready. */
async function startInAnotherProcess(dataDir: string) {
  const script = `
    import { startEmbeddedPostgres } from ${JSON.stringify(moduleUrl)};
    import { createLogger } from ${JSON.stringify(new URL('../../infra/logger.ts', import.meta.url).href)};
    const logger = createLogger({ level: 'silent' });
    const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, logger });
    process.stdout.write(JSON.stringify({ url: pg.url }) + '\\n');
    setInterval(() => {}, 60_000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

/** The pid of the postmaster running on a data folder, from its pid file. */
const postmasterPid = async (dataDir: string) =>
  Number.parseInt((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);

describe('embedded PostgreSQL in a fresh 0700 folder', () => {
  let dataDir: string;
  let running: EmbeddedPostgres | undefined;

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    // A last throwaway start removes the cluster, wherever it lives.
    const cleanup = await startEmbeddedPostgres({ dataDir, logger, persistent: false });
    await cleanup.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers queries, and keeps its data across a stop and a start on the same folder', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'commerce-pg-test-'));
    running = await startEmbeddedPostgres({ dataDir, logger });
    await query(running.url, 'CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (42)');
    await running.stop();

    running = await startEmbeddedPostgres({ dataDir, logger });
    expect(await query(running.url, 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
  });

  it('starts again after its node process was killed, stopping the postmaster left behind', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'commerce-pg-test-'));
    const crashed = await startInAnotherProcess(dataDir);
    await query(crashed.url, 'CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (7)');
    const leftOver = await postmasterPid(dataDir);
    crashed.child.kill('SIGKILL');
    await once(crashed.child, 'exit');

    running = await startEmbeddedPostgres({ dataDir, logger });
    expect(await query(running.url, 'SELECT id FROM kept')).toEqual([{ id: 7 }]);
    expect(await postmasterPid(dataDir)).not.toBe(leftOver);
  });

  it('starts again after a crash left only a stale pid file', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'commerce-pg-test-'));
    const crashed = await startInAnotherProcess(dataDir);
    const leftOver = await postmasterPid(dataDir);
    crashed.child.kill('SIGKILL');
    await once(crashed.child, 'exit');
    // The postmaster dies too, without removing its pid file (and, with nobody to reap it, may stay a
    // zombie, which PostgreSQL itself would take for a running postmaster).
    process.kill(leftOver, 'SIGKILL');

    running = await startEmbeddedPostgres({ dataDir, logger });
    expect(await query(running.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
