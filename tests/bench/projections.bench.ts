/**
 * Read-model catch-up: how fast the five projection runners follow a large log, against how fast the
 * client merely reads it. Writes BENCH_EVENTS (default 1,000,000) events of a busy shop (see
 * commerce-log.ts) into esdb-dev (a child process, in memory) or the server at ESDB_URL; reads `$all`
 * forwards once through the client (the raw rate); then, on a fresh migrated database of embedded
 * PostgreSQL (durable, as `npm start` runs it) or of the server at DATABASE_URL, starts every runner
 * from the start, as `npm start` does (one event-store client, a 12-connection pool), and times until
 * every checkpoint reaches the head. The figure: projection rate / raw readAll rate.
 *
 * BENCH_BATCH_SIZES (default 500, the runner's default): a comma list runs the catch-up once per
 * batch size, each on a fresh database over the same log.
 */
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { createLogger } from '../../infra/logger.ts';
import { startEmbeddedPostgres } from '../../infra/postgres/embedded-postgres.ts';
import { createFreshDatabase } from '../postgres/fresh-database.ts';
import { writeCommerceLog, type CommerceLog } from './commerce-log.ts';
import { startEsdbDevProcess } from './esdb-dev-process.ts';
import { rate, report } from './figures.ts';
import { cpuSeconds, loadAverage } from './process-cpu.ts';
import { catchUp, type LogIndex } from './projection-catch-up.ts';

const logEvents = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const batchSizes = (process.env.BENCH_BATCH_SIZES ?? '500').split(',').map(Number);

/** The servers, and the processes whose CPU time tells where the work went (undefined: not ours). */
interface Servers {
  esdbUrl: string;
  databaseUrl: string;
  esdbPid?: number;
  postgresPid?: number;
  stop(): Promise<void>;
}

async function startServers(): Promise<Servers> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error: unknown) => console.error('cleanup failed:', error));
  };
  try {
    const esdb = process.env.ESDB_URL ? undefined : await startEsdbDevProcess();
    if (esdb) stops.push(() => esdb.stop());
    let databaseUrl = process.env.DATABASE_URL;
    let postgresPid: number | undefined;
    if (!databaseUrl) {
      const dataDir = await mkdtemp(join(tmpdir(), 'projections-bench-'));
      stops.push(async () => {
        const clusterDir = await realpath(join(dataDir, 'postgres')).catch(() => undefined);
        if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
        await rm(dataDir, { recursive: true, force: true });
      });
      // PostgreSQL's own lines reach the logger at error level: a fast shutdown that ends autovacuum says FATAL.
      const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'fatal' });
      const postgres = await startEmbeddedPostgres({ dataDir, logger, persistent: true });
      stops.push(() => postgres.stop());
      databaseUrl = postgres.url;
      const pidFile = await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '');
      postgresPid = Number(pidFile.split('\n')[0]) || undefined;
    }
    return { esdbUrl: process.env.ESDB_URL ?? esdb!.url, databaseUrl, esdbPid: esdb?.pid, postgresPid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Reads `$all` forwards through the client, keeping each position so a checkpoint maps to an event count. */
async function readAllRate(client: EventStoreDBClient): Promise<{ log: LogIndex; eventsPerSecond: number }> {
  let positions = new BigUint64Array(1 << 20);
  let count = 0;
  const started = performance.now();
  for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: START })) {
    if (count === positions.length) {
      const grown = new BigUint64Array(positions.length * 2);
      grown.set(positions);
      positions = grown;
    }
    positions[count++] = resolved.event?.position?.commit ?? resolved.commitPosition ?? 0n;
  }
  const ms = performance.now() - started;
  const eventsPerSecond = rate(count, ms);
  report('readAll forwards from start (raw client)', {
    events: count,
    seconds: (ms / 1000).toFixed(1),
    'events/s': eventsPerSecond,
    'load avg': loadAverage(),
  });
  return { log: { positions: positions.subarray(0, count), head: positions[count - 1] ?? 0n }, eventsPerSecond };
}

async function fill(client: EventStoreDBClient): Promise<CommerceLog> {
  let lastPrint = performance.now();
  const started = performance.now();
  const filled = await writeCommerceLog(client, {
    events: logEvents,
    onProgress: (written) => {
      if (performance.now() - lastPrint < 5_000) return;
      lastPrint = performance.now();
      report(`  writing… ${Math.round((lastPrint - started) / 1000)} s`, { events: written, 'events/s': rate(written, lastPrint - started) });
    },
  });
  report('fill: saga waves, one append per stream and step', {
    events: filled.events,
    orders: filled.orders,
    skus: filled.skus,
    appends: filled.appends,
    'events/append': (filled.events / filled.appends).toFixed(1),
    seconds: (filled.ms / 1000).toFixed(1),
    'events/s': rate(filled.events, filled.ms),
  });
  return filled;
}

export async function run() {
  const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
  const servers = await startServers();
  const client = EventStoreDBClient.connectionString(servers.esdbUrl);
  try {
    report('servers', {
      'event store': process.env.ESDB_URL ? 'ESDB_URL' : 'esdb-dev (child process, in memory)',
      database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL (durable)',
    });
    const filled = await fill(client);
    const raw = await readAllRate(client);
    for (const batchSize of batchSizes) {
      const database = await createFreshDatabase(servers.databaseUrl, `bench_projections_${batchSize}`);
      const cpuBefore = await serverCpu(servers);
      let result: Awaited<ReturnType<typeof catchUp>>;
      try {
        result = await catchUp({ databaseUrl: database.url, esdbUrl: servers.esdbUrl, log: raw.log, written: filled, batchSize, logger });
      } finally {
        // Dropping waits for the pool's backends to exit, so their CPU time is then counted.
        await database.drop();
      }
      const cpuAfter = await serverCpu(servers);
      report(`all 5 projections, batchSize ${batchSize}`, {
        events: raw.log.positions.length,
        seconds: (result.ms / 1000).toFixed(1),
        'events/s': result.eventsPerSecond,
        'ratio to raw readAll': (result.eventsPerSecond / raw.eventsPerSecond).toFixed(3),
        'load avg': loadAverage(),
      });
      report('  CPU seconds during catch-up', {
        'bench process (runners)': result.ownCpuSeconds.toFixed(1),
        'esdb-dev': difference(cpuBefore.esdb, cpuAfter.esdb),
        postgres: difference(cpuBefore.postgres, cpuAfter.postgres),
      });
    }
  } finally {
    await client.dispose();
    await servers.stop();
  }
}

async function serverCpu(servers: Servers) {
  return {
    esdb: servers.esdbPid ? await cpuSeconds(servers.esdbPid) : undefined,
    postgres: servers.postgresPid ? await cpuSeconds(servers.postgresPid) : undefined,
  };
}

const difference = (before: number | undefined, after: number | undefined) =>
  before === undefined || after === undefined ? 'n/a' : (after - before).toFixed(1);
