import pg from 'pg';
import type { Logger } from '../logger.ts';

export interface PgPoolOptions {
  url: string;
  logger: Logger;
  /** Most connections this pool opens. */
  max?: number;
  /** Bound on getting a connection, so a vanished server fails a request instead of hanging it. */
  connectionTimeoutMs?: number;
  /**
   * PostgreSQL cancels any statement running longer (query_canceled, 57014; a request answers 503).
   * Default none: a pool whose sessions wait on purpose (advisory locks, migrations) must not have one.
   */
  statementTimeoutMs?: number;
}

/** The application's PostgreSQL connection pool. */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    // Sent when each connection starts, so the server enforces it; a client-side timer would leave the
    // statement running and holding its locks.
    ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
  });
  // An idle client whose server goes away emits 'error' on the pool; unhandled, it would crash the process.
  // The next query gets a fresh connection, so logging is all there is to do.
  pool.on('error', (error) => {
    // pool.end() resolves while its connections are still closing: one that PostgreSQL, stopping next,
    // terminates first is part of an orderly shutdown, not a failure.
    if (pool.ending) return;
    options.logger.warn(connectionFailure(error), 'idle PostgreSQL connection failed');
  });
  // A checked-out client has no listener of the pool's: a connection lost while a caller holds it (a
  // terminated backend mid-transaction) would emit 'error' to nobody and crash the process. The caller
  // learns of the loss anyway (its query rejects, or the next one does), so this only keeps a trace.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.logger.debug(connectionFailure(error), 'PostgreSQL connection failed while in use'));
  });
  return pool;
}

/** Resolves when the database answers `SELECT 1` in time; the readiness probe. */
export async function pingDatabase(pool: pg.Pool, timeoutMs = 2_000): Promise<void> {
  // The pool's connection timeout bounds getting a connection, query_timeout the answer (pg honours it
  // per query; its types omit it).
  const ping: pg.QueryConfig & { query_timeout: number } = { text: 'SELECT 1', query_timeout: timeoutMs };
  await pool.query(ping);
}

/**
 * pg-pool hangs the whole client on its errors (`err.client`: user, host, the backend's secret key):
 * a log line keeps only what says what went wrong.
 */
function connectionFailure(error: Error & { code?: string }): { error: { message: string; code?: string } } {
  return { error: { message: error.message, ...(error.code === undefined ? {} : { code: error.code }) } };
}
