import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { forwardOutput } from './postgres-output.ts';
import type { RunAs } from './postgres-user.ts';
import { shutDownProcess } from './shut-down-process.ts';
import { PostmasterExitedError, waitUntilReady } from './wait-until-ready.ts';

export interface PostmasterOptions {
  postgresPath: string;
  clusterDir: string;
  port: number;
  /** How clients reach it, for the readiness query. */
  url: string;
  runAs: RunAs | undefined;
  /** false turns fsync off: faster, and fine for a cluster deleted at the end. */
  durable: boolean;
  logger: Logger;
  readyTimeoutMs?: number;
}

/** A running PostgreSQL server process. */
export interface Postmaster {
  pid: number;
  /** Fast shutdown, escalating when it hangs; resolves once the process has ended. */
  stop(): Promise<void>;
}

/** Settings given on every start (not written into postgresql.conf), so they apply to old clusters too. */
const settings = (durable: boolean): Record<string, string> => ({
  listen_addresses: '127.0.0.1',
  // TCP only: the default socket folder /var/run/postgresql may not exist or not be writable by this user.
  unix_socket_directories: '',
  max_connections: '200',
  shared_buffers: '32MB',
  lc_messages: 'C', // the log forwarding reads the English severity prefixes
  log_line_prefix: '', // pino stamps the time
  ...(durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
});

/** Starts postgres on the cluster and resolves once it answers queries. */
export async function startPostmaster(options: PostmasterOptions): Promise<Postmaster> {
  const { clusterDir, logger } = options;
  const args = ['-D', clusterDir, '-p', String(options.port)];
  for (const [name, value] of Object.entries(settings(options.durable))) args.push('-c', `${name}=${value}`);

  const child = spawn(options.postgresPath, args, {
    ...options.runAs,
    // Its own process group: a Ctrl-C in the terminal must not stop PostgreSQL before the HTTP server and
    // workers that still use it. We stop it ourselves, last.
    detached: true,
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = forwardOutput([child.stdout, child.stderr], logger);

  let exitReason: string | undefined;
  let stopping: Promise<void> | undefined;
  child.once('error', (error) => (exitReason ??= error.message));
  child.once('exit', (code, signal) => {
    exitReason ??= signal ?? `exit code ${code}`;
    if (!stopping) logger.error({ reason: exitReason }, 'PostgreSQL exited unexpectedly');
  });

  const stop = () =>
    (stopping ??= child.pid === undefined ? Promise.resolve() : shutDownProcess(child.pid, () => exitReason !== undefined));

  try {
    if (child.pid === undefined) throw new PostmasterExitedError(`could not run ${options.postgresPath}`);
    await waitUntilReady({
      pidFile: join(clusterDir, 'postmaster.pid'),
      pid: child.pid,
      url: options.url,
      timeoutMs: options.readyTimeoutMs ?? 30_000,
      exitReason: () => exitReason,
    });
  } catch (error) {
    await stop();
    (error as Error).message += `\n  ${output.lines().join('\n  ')}`;
    throw error;
  }
  return { pid: child.pid, stop };
}
