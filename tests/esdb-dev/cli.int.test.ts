import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEnvironment } from '../support/environment.ts';
import { killHard, startEsdbDevProcess, type EsdbDevProcess } from './esdb-dev-process.ts';

describe.skipIf(!testEnvironment().esdbIsDev)('npm run esdb-dev', () => {
  let dataDir: string;
  let running: EsdbDevProcess | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'esdb-dev-cli-'));
  });

  afterEach(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) await killHard(running);
    running = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('logs its URL, and on %s stops cleanly with exit code 0', async (signal) => {
    running = await startEsdbDevProcess(['--port', '0', '--data-dir', dataDir]);
    expect(running.url).toMatch(/^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
    const client = EventStoreDBClient.connectionString(running.url);
    await client.appendToStream('cli-1', [jsonEvent({ type: 'Written', data: {} })]);
    await client.dispose();

    running.child.kill(signal);
    expect(await running.exited).toBe(0);
    expect(running.output()).toMatch(/esdb-dev: stopped/);

    running = await startEsdbDevProcess(['--port', '0', '--data-dir', dataDir]);
    const reader = EventStoreDBClient.connectionString(running.url);
    const types = [];
    for await (const { event } of reader.readStream('cli-1')) types.push(event?.type);
    await reader.dispose();
    expect(types).toEqual(['Written']);
  });

  it('refuses a data folder another running esdb-dev owns, with exit code 1', async () => {
    running = await startEsdbDevProcess(['--port', '0', '--data-dir', dataDir]);
    const main = fileURLToPath(new URL('../../infra/esdb-dev/main.ts', import.meta.url));
    const second = spawnSync(process.execPath, ['--import', 'tsx', main, '--port', '0', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(second.status).toBe(1);
    expect(second.stdout + second.stderr).toMatch(/in use by another esdb-dev/);
  });

  it('refuses a port that is not a port, with exit code 2', () => {
    const main = fileURLToPath(new URL('../../infra/esdb-dev/main.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', main, '--port', 'twenty'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--port/);
  });
});
