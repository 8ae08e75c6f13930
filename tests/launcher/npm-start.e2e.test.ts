import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeInfo } from '../../infra/launcher/runtime-file.ts';
import { findFreePort } from '../../infra/postgres/free-port.ts';

/**
 * The steps of one life of `npm start`, in order: each `it` starts from where the previous one left the
 * data folder. It runs from a copy of the repository inside a fresh `mkdtemp` folder (mode 0700, like a
 * clone under /root), which is what trips PostgreSQL up when the tests run as root.
 */

const repositoryRoot = resolve(import.meta.dirname, '../..');
const readyTimeoutMs = 60_000;

let workDir: string;
let checkout: string;
let dataDir: string;
let port: number;
let running: { npm: ChildProcess; exited: Promise<number | null> } | undefined;

/** Copies the sources (not .git, .data or node_modules) and links node_modules, as a fresh clone would have them. */
async function copyRepository(target: string): Promise<void> {
  const skipped = new Set(['.git', '.data', 'node_modules', 'coverage']);
  await cp(repositoryRoot, target, {
    recursive: true,
    filter: (source) => !skipped.has(source.slice(repositoryRoot.length + 1).split('/')[0] ?? ''),
  });
  await symlink(await realpath(join(repositoryRoot, 'node_modules')), join(target, 'node_modules'));
}

/** Runs `npm start` in the copy, in its own process group so that a failed test can stop the whole tree. */
function startNpm() {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete env.ESDB_URL; // the launcher under test starts its own servers
  delete env.DATABASE_URL;
  const npm = spawn('npm', ['start'], { cwd: checkout, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  npm.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  npm.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = once(npm, 'exit').then(([code]) => code as number | null);
  running = { npm, exited };
  return { npm, exited, output: () => output.join('') };
}

/** Starts `npm start` and resolves once /health/ready answers 200, with how long that took. */
async function startUntilReady() {
  const startedAt = performance.now();
  const started = startNpm();
  let exitCode: number | null | undefined;
  void started.exited.then((code) => (exitCode = code));
  while (performance.now() - startedAt < readyTimeoutMs) {
    if (exitCode !== undefined) throw new Error(`npm start exited with ${exitCode}:\n${started.output()}`);
    const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return { ...started, readyMs: Math.round(performance.now() - startedAt) };
    await sleep(100);
  }
  throw new Error(`not ready within ${readyTimeoutMs} ms:\n${started.output()}`);
}

const readRuntimeFile = async () => JSON.parse(await readFile(join(dataDir, 'runtime.json'), 'utf8')) as RuntimeInfo;

/** Command lines of the live processes that run postgres on this data folder's cluster. */
async function postgresProcessesOnDataDir(): Promise<string[]> {
  const clusterDir = await realpath(join(dataDir, 'postgres'));
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'args=']);
  return stdout.split('\n').filter((line) => line.includes('postgres') && line.includes(clusterDir));
}

async function stopLeftoverPostmaster(): Promise<void> {
  const pidFile = await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(pidFile.split('\n')[0] ?? '', 10);
  if (!pid || (await postgresProcessesOnDataDir().catch(() => [])).length === 0) return;
  process.kill(pid, 'SIGQUIT'); // immediate shutdown: the cluster is deleted next anyway
  for (let waited = 0; waited < 5_000 && (await postgresProcessesOnDataDir()).length > 0; waited += 100) await sleep(100);
}

async function queryDatabase(url: string, text: string) {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query(text)).rows as unknown[];
  } finally {
    await client.end();
  }
}

async function withEventStore<T>(url: string, work: (client: EventStoreDBClient) => Promise<T>): Promise<T> {
  const client = EventStoreDBClient.connectionString(url);
  try {
    return await work(client);
  } finally {
    await client.dispose();
  }
}

async function eventTypesIn(client: EventStoreDBClient, stream: string): Promise<string[]> {
  const types: string[] = [];
  for await (const { event } of client.readStream(stream)) if (event) types.push(event.type);
  return types;
}

describe('npm start from a clone in a 0700 folder', () => {
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'commerce-npm-start-'));
    checkout = join(workDir, 'repo');
    dataDir = join(workDir, 'data');
    await copyRepository(checkout);
    port = await findFreePort();
  });

  afterAll(async () => {
    if (running) {
      try {
        process.kill(-(running.npm.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // Stop a postmaster a failed step may have left, then delete the cluster wherever it lives.
    await stopLeftoverPostmaster();
    const clusterDir = await realpath(join(dataDir, 'postgres')).catch(() => undefined);
    if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  });

  it('becomes ready, and records where its servers are in runtime.json', { timeout: 120_000 }, async () => {
    const { readyMs } = await startUntilReady();
    console.log(`npm start: ready ${readyMs} ms after spawn (first start: new cluster, cold caches)`);

    const runtime = await readRuntimeFile();
    expect(runtime.httpUrl).toBe(`http://127.0.0.1:${port}`);
    expect(runtime.esdbUrl).toMatch(/^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
    expect(runtime.databaseUrl).toMatch(/^postgres:\/\/.+@127\.0\.0\.1:\d+\/postgres$/);
    await queryDatabase(runtime.databaseUrl, 'CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (1)');
    await withEventStore(runtime.esdbUrl, (client) =>
      client.appendToStream('launcher-e2e', jsonEvent({ type: 'Kept', data: { n: 1 } })),
    );
  });

  it('stops on SIGTERM with exit code 0, removing runtime.json and leaving no postgres behind', { timeout: 60_000 }, async () => {
    const { pid } = await readRuntimeFile();
    process.kill(pid, 'SIGTERM');

    expect(await running?.exited).toBe(0); // npm passes on the launcher's exit code
    running = undefined;
    await expect(readFile(join(dataDir, 'runtime.json'))).rejects.toThrow(/ENOENT/);
    expect(await postgresProcessesOnDataDir()).toEqual([]);
  });

  it('starts again on the same DATA_DIR with its events and rows', { timeout: 120_000 }, async () => {
    const { readyMs } = await startUntilReady();
    console.log(`npm start: ready ${readyMs} ms after spawn (restart on the same DATA_DIR)`);

    const runtime = await readRuntimeFile();
    expect(await queryDatabase(runtime.databaseUrl, 'SELECT id FROM kept')).toEqual([{ id: 1 }]);
    expect(await withEventStore(runtime.esdbUrl, (client) => eventTypesIn(client, 'launcher-e2e'))).toEqual(['Kept']);
  });

  it('starts again after kill -9, taking over from the postmaster left running', { timeout: 120_000 }, async () => {
    const { pid } = await readRuntimeFile();
    process.kill(pid, 'SIGKILL');
    await running?.exited;
    expect(await postgresProcessesOnDataDir()).toHaveLength(1); // orphaned, still on the cluster

    const { readyMs } = await startUntilReady();
    console.log(`npm start: ready ${readyMs} ms after spawn (after kill -9)`);
    const runtime = await readRuntimeFile();
    expect(await queryDatabase(runtime.databaseUrl, 'SELECT id FROM kept')).toEqual([{ id: 1 }]);

    process.kill(runtime.pid, 'SIGTERM');
    expect(await running?.exited).toBe(0);
    running = undefined;
    expect(await postgresProcessesOnDataDir()).toEqual([]);
  });

  it('stops everything when npm itself is killed, although npm does not relay the signal', { timeout: 120_000 }, async () => {
    await startUntilReady();
    const { pid } = await readRuntimeFile();
    running?.npm.kill('SIGTERM');
    await running?.exited;
    running = undefined;

    // The launcher notices it lost its parent and shuts down in order, PostgreSQL last.
    const launcherGone = async () => {
      for (let waited = 0; waited < 30_000; waited += 100) {
        try {
          process.kill(pid, 0);
        } catch {
          return true;
        }
        await sleep(100);
      }
      return false;
    };
    expect(await launcherGone()).toBe(true);
    await expect(readFile(join(dataDir, 'runtime.json'))).rejects.toThrow(/ENOENT/);
    expect(await postgresProcessesOnDataDir()).toEqual([]);
  });
});
