import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEsdbDev, type EsdbDevServer } from '../../infra/esdb-dev/index.ts';
import { testEnvironment } from '../support/environment.ts';
import { startEsdbDevProcess } from './esdb-dev-process.ts';

const LOCK_FILE = 'esdb-dev.lock';

/** The one-letter state of a process from /proc (Z = zombie), or undefined when it is gone. */
async function processState(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/**
 * A zombie whose pid we know: perl forks a child that exits at once, prints its pid and sleeps
 * without ever reaping it (as a container's PID 1 that does not reap would).
 */
async function startZombie(): Promise<{ pid: number; parent: ChildProcess }> {
  const script = '$| = 1; my $pid = fork(); if ($pid == 0) { exit 0 } print "$pid\\n"; sleep 60';
  const parent = spawn('perl', ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => parent.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
  // Hang guard: the child exits within moments; wait until the kernel shows it as a zombie.
  for (let i = 0; i < 200 && (await processState(pid)) !== 'Z'; i++) await delay(25);
  return { pid, parent };
}

describe.skipIf(!testEnvironment().esdbIsDev)('esdb-dev locking its data folder', () => {
  let dataDir: string;
  const servers: EsdbDevServer[] = [];
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'esdb-dev-lock-'));
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lets exactly one of two servers started at once on one folder run', async () => {
    const results = await Promise.allSettled([startEsdbDev({ port: 0, dataDir }), startEsdbDev({ port: 0, dataDir })]);
    for (const result of results) if (result.status === 'fulfilled') servers.push(result.value);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((result) => result.status === 'rejected');
    expect(String(refused?.reason)).toMatch(/in use by another esdb-dev/);
  });

  it('lets exactly one of two esdb-dev processes started at once on one folder run', async () => {
    const args = ['--port', '0', '--data-dir', dataDir];
    const results = await Promise.allSettled([startEsdbDevProcess(args), startEsdbDevProcess(args)]);
    for (const result of results) if (result.status === 'fulfilled') children.push(result.value.child);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((result) => result.status === 'rejected');
    expect(String(refused?.reason)).toMatch(/exited \(1\)[\s\S]*in use by another esdb-dev/);
  });

  it('takes over at once a lock whose owner no longer runs', async () => {
    const finished = spawn('true');
    await new Promise((resolve) => finished.on('exit', resolve));
    expect(await processState(finished.pid as number)).toBeUndefined();
    await writeFile(join(dataDir, LOCK_FILE), String(finished.pid));

    servers.push(await startEsdbDev({ port: 0, dataDir }));
    expect((await readFile(join(dataDir, LOCK_FILE), 'utf8')).trim()).toMatch(new RegExp(`^${process.pid}\\b`));
  });

  it('takes over a lock whose owner is a zombie (killed, never reaped)', async () => {
    const zombie = await startZombie();
    children.push(zombie.parent);
    expect(await processState(zombie.pid)).toBe('Z');
    await writeFile(join(dataDir, LOCK_FILE), String(zombie.pid));

    servers.push(await startEsdbDev({ port: 0, dataDir }));
    expect((await readFile(join(dataDir, LOCK_FILE), 'utf8')).trim()).toMatch(new RegExp(`^${process.pid}\\b`));
  });

  it('takes over a lock whose pid now belongs to another process (started later than the owner was)', async () => {
    const stranger = spawn('sleep', ['60']);
    children.push(stranger);
    // What a lock left by an earlier container looks like once its pid is reused: same pid, another start time.
    await writeFile(join(dataDir, LOCK_FILE), `${stranger.pid} 5f0c6d1e-0000-4000-8000-000000000000 1\n`);

    servers.push(await startEsdbDev({ port: 0, dataDir }));
    expect((await readFile(join(dataDir, LOCK_FILE), 'utf8')).trim()).toMatch(new RegExp(`^${process.pid}\\b`));
  });

  it('refuses a folder whose lock names a process that runs', async () => {
    const owner = spawn('sleep', ['60']);
    children.push(owner);
    await writeFile(join(dataDir, LOCK_FILE), String(owner.pid));

    await expect(startEsdbDev({ port: 0, dataDir })).rejects.toThrow(`in use by another esdb-dev (pid ${owner.pid})`);
  });
});
