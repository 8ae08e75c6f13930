/**
 * Helpers for benchmarks over HTTP: run `npm start` in a throwaway DATA_DIR, send JSON through a
 * keep-alive agent with a fixed number of sockets, keep N requests in flight for a while, and read
 * counters from /metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RuntimeInfo } from '../../infra/launcher/runtime-file.ts';
import { findFreePort } from '../../infra/postgres/free-port.ts';
import { percentile, report } from './figures.ts';

const repositoryRoot = resolve(import.meta.dirname, '../..');

/**
 * What every HTTP benchmark starts with: `npm start` at BENCH_LOG_LEVEL (default warn: one info line per
 * request would measure the logger), a client with `sockets` sockets, and the report line saying so.
 */
export async function startBenchedSystem(sockets: number, seconds: number) {
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
  const system = await startSystem({ LOG_LEVEL: logLevel });
  const client = jsonClient(system.baseUrl, sockets);
  report('npm start (fresh DATA_DIR)', {
    'ready ms': system.readyMs,
    'LOG_LEVEL': logLevel,
    'event store': process.env.ESDB_URL ? 'ESDB_URL' : 'esdb-dev (durable)',
    'seconds/run': seconds,
  });
  return {
    client,
    stop: async () => {
      client.close();
      await system.stop();
    },
  };
}

/** A running `npm start`, and how to stop it and remove everything it wrote. */
export interface RunningSystem {
  baseUrl: string;
  dataDir: string;
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns `npm start` (esdb-dev and PostgreSQL embedded in a fresh DATA_DIR) on a free port and waits
 * for /health/ready. Its own process group, so a failure can stop the whole tree.
 */
export async function startSystem(env: NodeJS.ProcessEnv = {}, readyTimeoutMs = 120_000): Promise<RunningSystem> {
  const dataDir = await mkdtemp(join(tmpdir(), 'commerce-bench-'));
  const port = await findFreePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ...env };
  const npm = spawn('npm', ['start'], { cwd: repositoryRoot, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = tail(npm);
  const exited = once(npm, 'exit').then(([code]) => code as number | null);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = () => stopSystem(npm, exited, dataDir);
  const startedAt = performance.now();
  try {
    while (performance.now() - startedAt < readyTimeoutMs) {
      if (exitCode !== undefined) throw new Error(`npm start exited with ${exitCode}:\n${output()}`);
      const status = await fetch(`${baseUrl}/health/ready`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return { baseUrl, dataDir, readyMs: Math.round(performance.now() - startedAt), stop };
      await sleep(100);
    }
    throw new Error(`npm start was not ready within ${readyTimeoutMs} ms:\n${output()}`);
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The last 64 KiB of what the child printed, for error messages. */
function tail(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-64 * 1024);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text;
}

/**
 * SIGTERM to the launcher named in runtime.json (npm does not relay signals), which stops esdb-dev and
 * PostgreSQL in order; the whole group is killed if that takes over a minute. Then the data folder goes,
 * with the PostgreSQL cluster wherever it lives (as root it sits behind a symlink).
 */
async function stopSystem(npm: ChildProcess, exited: Promise<number | null>, dataDir: string): Promise<void> {
  const runtime = await readFile(join(dataDir, 'runtime.json'), 'utf8').then(
    (text) => JSON.parse(text) as RuntimeInfo,
    () => undefined,
  );
  if (npm.exitCode === null && npm.signalCode === null) {
    try {
      if (runtime) process.kill(runtime.pid, 'SIGTERM');
      else process.kill(-(npm.pid ?? 0), 'SIGTERM');
    } catch {
      // already gone
    }
    const stopped = await Promise.race([exited.then(() => true), sleep(60_000).then(() => false)]);
    if (!stopped) {
      try {
        process.kill(-(npm.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    }
  }
  const clusterDir = await realpath(join(dataDir, 'postgres')).catch(() => undefined);
  if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
}

/** One answer as the load generator sees it. */
export interface Reply {
  status: number;
  body: string;
}

/** A JSON client on one keep-alive agent: at most `sockets` connections, reused. */
export function jsonClient(baseUrl: string, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const url = new URL(baseUrl);

  const send = (method: 'GET' | 'POST', path: string, body?: unknown, extraHeaders: Record<string, string> = {}) =>
    new Promise<Reply>((resolveReply, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string | number> = {
        ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        ...extraHeaders,
      };
      const outgoing = request({ host: url.hostname, port: url.port, method, path, agent, headers }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolveReply({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        incoming.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(payload);
    });

  return {
    post: (path: string, body: unknown) => send('POST', path, body),
    get: (path: string, headers?: Record<string, string>) => send('GET', path, undefined, headers),
    close: () => agent.destroy(),
  };
}

/** What a load run measured. */
export interface LoadResult {
  requests: number;
  ms: number;
  /** Latency of every request, in ms, sorted. */
  latencies: number[];
  statuses: Map<number, number>;
}

/**
 * Keeps `inFlight` requests going for `seconds`: each worker sends its next request when the previous
 * one is answered. Each worker counts on its own and the counts are merged at the end (no shared
 * `+= await`, which would lose counts). A request that fails outright counts as status 0.
 */
export async function loadFor(seconds: number, inFlight: number, send: (worker: number) => Promise<Reply>): Promise<LoadResult> {
  const started = performance.now();
  const until = started + seconds * 1000;
  const perWorker = await Promise.all(
    Array.from({ length: inFlight }, async (_, worker) => {
      const latencies: number[] = [];
      const statuses = new Map<number, number>();
      while (performance.now() < until) {
        const sentAt = performance.now();
        const status = await send(worker).then(
          (reply) => reply.status,
          () => 0,
        );
        latencies.push(performance.now() - sentAt);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      return { latencies, statuses };
    }),
  );
  const ms = performance.now() - started;
  const latencies = perWorker.flatMap((worker) => worker.latencies).sort((a, b) => a - b);
  const statuses = new Map<number, number>();
  for (const worker of perWorker) {
    for (const [status, count] of worker.statuses) statuses.set(status, (statuses.get(status) ?? 0) + count);
  }
  return { requests: latencies.length, ms, latencies, statuses };
}

/** `201:1234 409:5`, by status. */
export const statusCounts = (statuses: Map<number, number>) =>
  [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}:${count}`)
    .join(' ');

export const latencyFigures = (latencies: number[]) => ({
  'p50 ms': percentile(latencies, 50).toFixed(1),
  'p99 ms': percentile(latencies, 99).toFixed(1),
});

/** Sum of a Prometheus counter's samples whose labels include `labels` (0 when there is none). */
export function counterValue(metricsText: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([0-9.eE+-]+|NaN|\+Inf)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const sample = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => sample[key] === value)) total += Number(match[3]);
  }
  return total;
}
