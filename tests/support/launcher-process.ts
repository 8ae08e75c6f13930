import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from '../../infra/config.ts';
import type { RuntimeInfo } from '../../infra/launcher/runtime-file.ts';

const repositoryRoot = resolve(import.meta.dirname, '../..');
/** What a process keeps of its output: its tail, for a failure's message (a long run logs a lot). */
const outputLimit = 256 * 1024;

export interface LauncherOptions {
  /** SERVICES; every service when absent. */
  services?: readonly ServiceName[];
  /** DATA_DIR: runtime.json goes there (and, with no ESDB_URL / DATABASE_URL, the embedded servers). */
  dataDir: string;
  /**
   * Over the test process's environment; `undefined` removes a variable (ESDB_URL and DATABASE_URL, to
   * have the launcher embed its servers). PORT 0, HOST 127.0.0.1 and LOG_LEVEL warn unless given.
   */
  env?: Record<string, string | undefined>;
  /** Names the process in messages. */
  name?: string;
}

/** One life of `npm start`, run by node directly so that SIGKILL reaches the launcher itself. */
export interface LauncherProcess {
  name: string;
  pid: number;
  /** Resolves with the exit code, or the signal's name, once the process is gone. */
  exited: Promise<number | string>;
  /** True once the process has exited. */
  gone(): boolean;
  /** The tail of what it printed, for a failure's message. */
  output(): string;
  /** Resolves once it listens (runtime.json names it: migrations done, runners started), with where. */
  up(timeoutMs: number): Promise<RuntimeInfo>;
  /** Whether it listens now (runtime.json names it). */
  isUp(): Promise<boolean>;
  /** SIGKILL to its process group: no shutdown, no flush, like a crash or the OOM killer. */
  kill(): Promise<void>;
  /** SIGTERM (an orderly shutdown), then SIGKILL to the group if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * Spawns the launcher (`node --import tsx infra/launcher/main.ts`, the command line of `npm start`
 * without npm in between) in a process group of its own, so that kill() ends it and whatever it spawned
 * in that group at once. PostgreSQL, which the launcher starts in a group of its own, survives a kill(),
 * as it survives a `kill -9` of `npm start`.
 */
export function spawnLauncher(options: LauncherOptions): LauncherProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: options.dataDir };
  if (options.services) env.SERVICES = options.services.join(',');
  else delete env.SERVICES;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const name = options.name ?? `launcher(${options.services?.join(',') ?? 'all'})`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/launcher/main.ts'], {
    cwd: repositoryRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 2 * outputLimit) output = output.slice(-outputLimit);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit').then(([code, signal]) => (code as number | null) ?? (signal as string));
  let gone = false;
  void exited.then(() => (gone = true));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${name}`);
  const tail = () => output.slice(-outputLimit);
  const runtimeInfo = async (): Promise<RuntimeInfo | undefined> => {
    const runtime = await readFile(join(options.dataDir, 'runtime.json'), 'utf8').catch(() => undefined);
    const info = runtime === undefined ? undefined : (JSON.parse(runtime) as RuntimeInfo);
    return info?.pid === pid ? info : undefined;
  };

  const kill = async () => {
    if (gone) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  };
  return {
    name,
    pid,
    exited,
    gone: () => gone,
    output: tail,
    up: async (timeoutMs) => {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (gone) throw new Error(`${name} exited with ${await exited}:\n${tail()}`);
        const info = await runtimeInfo();
        if (info) return info;
        await sleep(20);
      }
      throw new Error(`${name} not up within ${timeoutMs} ms:\n${tail()}`);
    },
    isUp: async () => !gone && (await runtimeInfo()) !== undefined,
    kill,
    stop: async (graceMs = 60_000) => {
      if (!gone) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome === 'late') await kill();
      return exited;
    },
  };
}
