/**
 * esdb-dev in a child process of its own (in memory unless a data folder is given), as a real
 * EventStoreDB would be: its CPU is then not taken from the process under measurement, and on a
 * multi-core machine both run at once.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const repositoryRoot = resolve(import.meta.dirname, '../..');

export interface EsdbDevProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startEsdbDevProcess(options: { dataDir?: string; readyTimeoutMs?: number } = {}): Promise<EsdbDevProcess> {
  const args = ['--import', 'tsx', 'infra/esdb-dev/main.ts', '--port', '0', '--log-level', 'warn'];
  if (options.dataDir) args.push('--data-dir', options.dataDir);
  const child = spawn(process.execPath, args, { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`esdb-dev did not start in time:\n${output}`)), options.readyTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-16 * 1024);
      const match = /listening on (esdb:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`esdb-dev exited while starting:\n${output}`));
    });
  });
  // Keep draining its output, or a full pipe would block it.
  child.stdout.resume();
  child.stderr.resume();
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
