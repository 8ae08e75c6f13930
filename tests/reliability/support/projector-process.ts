import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RuntimeInfo } from '../../../infra/launcher/runtime-file.ts';

const repositoryRoot = resolve(import.meta.dirname, '../../..');

/** `npm start` with SERVICES=projections, run by node directly so that SIGKILL reaches the launcher itself. */
export interface ProjectorProcess {
  pid: number;
  /** Resolves with the exit code, or the signal's name, once the process is gone. */
  exited: Promise<number | string>;
  /** Everything it printed, for a failure's message. */
  output(): string;
  /** Resolves once it listens (runtime.json names it): migrations done, runners started. */
  up(timeoutMs: number): Promise<void>;
  /** SIGKILL to its process group: no shutdown, no flush, like a crash or the OOM killer. */
  kill(): Promise<void>;
}

export function spawnProjector(options: { esdbUrl: string; databaseUrl: string; dataDir: string }): ProjectorProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SERVICES: 'projections',
    ESDB_URL: options.esdbUrl,
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: options.dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  // The same command line as `npm start` (package.json), without npm in between.
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/launcher/main.ts'], {
    cwd: repositoryRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => (code as number | null) ?? (signal as string));
  let gone = false;
  void exited.then(() => (gone = true));
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the projector');

  return {
    pid,
    exited,
    output: () => chunks.join(''),
    up: async (timeoutMs) => {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (gone) throw new Error(`projector exited with ${await exited}:\n${chunks.join('')}`);
        const runtime = await readFile(join(options.dataDir, 'runtime.json'), 'utf8').catch(() => undefined);
        if (runtime !== undefined && (JSON.parse(runtime) as RuntimeInfo).pid === pid) return;
        await sleep(20);
      }
      throw new Error(`projector not up within ${timeoutMs} ms:\n${chunks.join('')}`);
    },
    kill: async () => {
      if (gone) return;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    },
  };
}
