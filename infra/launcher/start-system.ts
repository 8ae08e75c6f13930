import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { liveSettings, type Config } from '../config.ts';
import { startEsdbDev } from '../esdb-dev/index.ts';
import { createEventStore } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import { startEmbeddedPostgres } from '../postgres/embedded-postgres.ts';
import { createPgPool } from '../postgres/pool.ts';
import { refuseCheckpointsAheadOfHead } from './checkpoints-ahead-of-head.ts';
import { composeApp, workerPoolSize } from './compose-app.ts';
import type { Shutdown } from './shutdown.ts';

/** Where the running system answers. */
export interface SystemUrls {
  esdbUrl: string;
  databaseUrl: string;
  httpUrl: string;
}

/**
 * Starts what `npm start` runs: the embedded servers where none is configured, the clients, the HTTP app.
 * Each part registers its stop as soon as it runs, so a failure halfway stops exactly what had started.
 */
export async function startSystem(config: Config, logger: Logger, shutdown: Shutdown): Promise<SystemUrls> {
  await mkdir(config.DATA_DIR, { recursive: true });
  const { esdbUrl, databaseUrl } = await startServers(config, logger, shutdown);

  const eventStore = createEventStore({ url: esdbUrl, logger: logger.child({ component: 'event-store' }) });
  shutdown.add('clients', 'event store client', () => eventStore.close());
  const pool = createPgPool({
    url: databaseUrl,
    logger: logger.child({ component: 'pg-pool' }),
    // Requests only: the worker pool's sessions wait on advisory locks on purpose.
    ...(config.DATABASE_STATEMENT_TIMEOUT_MS > 0 ? { statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS } : {}),
  });
  shutdown.add('clients', 'PostgreSQL pool', () => pool.end());

  // The projection runners get their own connections, so catching up never starves requests.
  const workerPool = createPgPool({
    url: databaseUrl,
    logger: logger.child({ component: 'pg-worker-pool' }),
    max: workerPoolSize(config.SERVICES),
  });
  shutdown.add('clients', 'PostgreSQL worker pool', () => workerPool.end());
  await refuseCheckpointsAheadOfHead({ pool, eventStore, logger: logger.child({ component: 'checkpoints' }) });
  const { app, stopWorkers } = await composeApp({
    logger,
    eventStore,
    pool,
    workerPool,
    services: config.SERVICES,
    fulfillmentTimeoutMs: config.FULFILLMENT_TIMEOUT_MS,
    paymentSlowMs: config.PAYMENT_SLOW_MS,
    commandQueueLimit: config.COMMAND_QUEUE_LIMIT,
    live: liveSettings(config),
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
  });
  shutdown.add('workers', 'background work', stopWorkers);
  shutdown.add('http', 'HTTP server', () => app.close());
  await app.listen({ port: config.PORT, host: config.HOST });

  const { port } = app.server.address() as AddressInfo;
  return { esdbUrl, databaseUrl, httpUrl: reachableUrl(config.HOST, port) };
}

/**
 * esdb-dev and PostgreSQL start side by side. Both are awaited even when one fails, so that the other's
 * stop is registered before the caller shuts down.
 */
async function startServers(config: Config, logger: Logger, shutdown: Shutdown) {
  const [esdb, postgres] = await Promise.allSettled([
    eventStoreUrl(config, logger, shutdown),
    databaseUrl(config, logger, shutdown),
  ]);
  if (esdb.status === 'rejected') throw esdb.reason;
  if (postgres.status === 'rejected') throw postgres.reason;
  return { esdbUrl: esdb.value, databaseUrl: postgres.value };
}

/** ESDB_URL, or the URL of esdb-dev started durably in DATA_DIR/esdb. */
async function eventStoreUrl(config: Config, logger: Logger, shutdown: Shutdown): Promise<string> {
  if (config.ESDB_URL) return config.ESDB_URL;
  const dataDir = join(config.DATA_DIR, 'esdb');
  const server = await startEsdbDev({ host: '127.0.0.1', port: 0, dataDir, logger });
  shutdown.add('esdb-dev', 'esdb-dev', () => server.stop());
  return server.url;
}

/** DATABASE_URL, or the URL of PostgreSQL embedded in DATA_DIR. */
async function databaseUrl(config: Config, logger: Logger, shutdown: Shutdown): Promise<string> {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  const server = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, logger });
  // Its own stop escalates from fast to immediate shutdown within 40 s; a checkpoint may need that long.
  shutdown.add('postgres', 'embedded PostgreSQL', () => server.stop(), 45_000);
  return server.url;
}

/** A URL other processes on this machine can use: a wildcard bind address is reachable on loopback. */
function reachableUrl(host: string, port: number): string {
  const local = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
}
