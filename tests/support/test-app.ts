import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import { pino } from 'pino';
import { liveSettings, loadConfig, type LiveSettings, type ServiceName } from '../../infra/config.ts';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import type { App } from '../../infra/http/build-app.ts';
import { composeApp } from '../../infra/launcher/compose-app.ts';
import { createLogger, type Logger } from '../../infra/logger.ts';
import { createPgPool } from '../../infra/postgres/pool.ts';
import { createFreshDatabase, type FreshDatabase } from '../postgres/fresh-database.ts';
import { testEnvironment } from './environment.ts';

const commandServices = loadConfig({ SERVICES: 'catalog,inventory,orders,payments' }).SERVICES;

export interface TestAppOptions {
  /** Reuse this database (a restart); by default a fresh one is created and dropped on close. */
  database?: FreshDatabase;
  /** Receives every log line (JSON) of the app; without it, nothing is logged unless LOG_LEVEL says so. */
  logStream?: Writable;
  /** Log level when `logStream` is given (default 'trace', so that everything that could leak is seen). */
  logLevel?: string;
  /** Another event store than the test run's (an unreachable one, say). */
  esdbUrl?: string;
  /** The event store adapter's bound on each read and append. */
  eventStoreTimeoutMs?: number;
  /** The services this app runs (default: the command services, without projection runners). */
  services?: readonly ServiceName[];
  /** Longest a GET waits for its ES-Min-Position (default: the app's). */
  readYourWritesTimeoutMs?: number;
  /**
   * Run the saga and the services' reactions (default false: from a fresh database they would react
   * to every event of the run's shared log). Tests that want them use an event store of their own.
   */
  reactions?: boolean;
  fulfillmentTimeoutMs?: number;
  paymentSlowMs?: number;
  /** DATABASE_STATEMENT_TIMEOUT_MS of the app's pool (default: none). */
  statementTimeoutMs?: number;
  /** COMMAND_QUEUE_LIMIT (default: the app's). */
  commandQueueLimit?: number;
  /** LIVE_* settings, each defaulting to the configuration's default. */
  live?: Partial<LiveSettings>;
}

/** The real app as `npm start` wires it, for `app.inject()`, with what a test needs to look behind it. */
export interface TestApp {
  app: App;
  /** A client of the same event store as the app, to read back or arrange events. */
  eventStore: EventStore;
  pool: pg.Pool;
  database: FreshDatabase;
  /** Closes the app and its clients; drops the database unless `keepDatabase`. */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
  /** Closes this app and builds a new one on the same database (which the new one then owns). */
  restart(options?: Omit<TestAppOptions, 'database'>): Promise<TestApp>;
}

/**
 * Builds the app through the launcher's own `composeApp`, on a database of its own and the test
 * run's esdb-dev. Nothing listens: tests `inject()`.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const environment = testEnvironment();
  const database = options.database ?? (await createFreshDatabase(environment.databaseUrl, 'command_http'));
  const logger = testLogger(options);

  const eventStore = createEventStore({
    url: options.esdbUrl ?? environment.esdbUrl,
    logger: logger.child({ component: 'event-store' }),
    ...(options.eventStoreTimeoutMs === undefined ? {} : { timeoutMs: options.eventStoreTimeoutMs }),
  });
  const pool = createPgPool({
    url: database.url,
    logger: logger.child({ component: 'pg-pool' }),
    max: 20,
    ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
  });
  const closeClients = async () => {
    await eventStore.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  };

  let app: App;
  let stopWorkers: () => Promise<void>;
  try {
    ({ app, stopWorkers } = await composeApp({
      logger,
      eventStore,
      pool,
      // Command routes only unless asked: projection runners would catch up on every other test's events.
      services: options.services ?? commandServices,
      ...(options.readYourWritesTimeoutMs === undefined ? {} : { readYourWritesTimeoutMs: options.readYourWritesTimeoutMs }),
      reactions: options.reactions ?? false,
      ...(options.fulfillmentTimeoutMs === undefined ? {} : { fulfillmentTimeoutMs: options.fulfillmentTimeoutMs }),
      ...(options.paymentSlowMs === undefined ? {} : { paymentSlowMs: options.paymentSlowMs }),
      ...(options.commandQueueLimit === undefined ? {} : { commandQueueLimit: options.commandQueueLimit }),
      live: { ...liveSettings(loadConfig({})), ...options.live },
    }));
    await app.ready();
  } catch (error) {
    await closeClients();
    if (!options.database) await database.drop();
    throw error;
  }

  const close: TestApp['close'] = async ({ keepDatabase = false } = {}) => {
    // The order of start-system's shutdown: HTTP, then workers, then clients.
    await app.close();
    await stopWorkers();
    await closeClients();
    if (!keepDatabase) await database.drop();
  };
  return {
    app,
    eventStore,
    pool,
    database,
    close,
    restart: async (restartOptions = {}) => {
      await close({ keepDatabase: true });
      return startTestApp({ ...restartOptions, database });
    },
  };
}

/**
 * The launcher's own logger (`createLogger`, with its redaction of payment tokens), its output sent
 * to `logStream` instead of stdout. pino keeps its destination under `symbols.streamSym`, and child
 * loggers (fastify makes one per request) find it through their prototype.
 */
function testLogger(options: TestAppOptions): Logger {
  if (!options.logStream) return createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'test-app' });
  const logger = createLogger({ level: options.logLevel ?? 'trace', name: 'test-app' });
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = options.logStream;
  return logger;
}

/** A sku no other test (nor an earlier run on the same event store) uses. */
export const uniqueSku = (prefix = 'SKU') => `${prefix}-${randomUUID().slice(0, 8)}`;

/** What `inject()` answers, as far as these helpers look at it. */
interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  json(): unknown;
}

/** POSTs JSON to the app (with an Idempotency-Key when given) and returns the answer. */
export function postJson(app: App, url: string, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers } });
}

/** Adds a product and stock of it through the API; throws unless both succeed. */
export async function stockedProduct(
  app: App,
  { sku = uniqueSku(), price = 1250, currency = 'EUR', quantity = 100 }: { sku?: string; price?: number; currency?: string; quantity?: number } = {},
): Promise<string> {
  const added = await postJson(app, '/products', { sku, name: `Product ${sku}`, price, currency });
  if (added.statusCode !== 201) throw new Error(`adding ${sku} answered ${added.statusCode}: ${JSON.stringify(added.json())}`);
  if (quantity > 0) {
    const received = await postJson(app, `/inventory/${sku}/receipts`, { quantity });
    if (received.statusCode !== 200) throw new Error(`stocking ${sku} answered ${received.statusCode}`);
  }
  return sku;
}

export type { Answer as InjectedAnswer };
