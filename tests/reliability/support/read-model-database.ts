import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { EventStore } from '../../../infra/event-store/index.ts';
import type { Logger } from '../../../infra/logger.ts';
import { coreMigrations } from '../../../infra/postgres/migrations/index.ts';
import { migrate } from '../../../infra/postgres/migrations.ts';
import { createPgPool } from '../../../infra/postgres/pool.ts';
import { startProjectionRunner, type ProjectionRunner, type ProjectionRunnerOptions } from '../../../infra/subscriptions/index.ts';
import { allProjections, projectionMigrations, type Queryable } from '../../../projections/index.ts';
import { createFreshDatabase } from '../../postgres/fresh-database.ts';
import type { Workload } from './commerce-workload.ts';

/** A throwaway database holding every read model, its checkpoints set to start after `from`. */
export interface ReadModelDatabase {
  url: string;
  pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * The read models start at the head as it was before the workload (positions are exclusive): every
 * database of a test then projects the same stretch of `$all`, and none replays what came before (on a
 * configured ESDB_URL, the history of every other test and run).
 */
export async function readModelDatabase(clusterUrl: string, purpose: string, from: bigint, logger: Logger): Promise<ReadModelDatabase> {
  const database = await createFreshDatabase(clusterUrl, purpose);
  const pool = createPgPool({ url: database.url, logger, max: 12 });
  try {
    await migrate(pool, [...coreMigrations, ...projectionMigrations], logger);
    for (const { name } of allProjections) {
      await pool.query('INSERT INTO checkpoints (name, position, epoch) VALUES ($1, $2, 0)', [name, from.toString(10)]);
    }
  } catch (error) {
    await pool.end();
    await database.drop();
    throw error;
  }
  return {
    url: database.url,
    pool,
    drop: async () => {
      await pool.end();
      await database.drop();
    },
  };
}

/** One runner per read model, as `npm start` with SERVICES=projections runs them (compose-app.ts). */
export function startAllRunners(
  pool: pg.Pool,
  eventStore: EventStore,
  logger: Logger,
  options: Partial<ProjectionRunnerOptions> = {},
): ProjectionRunner[] {
  return allProjections.map((projection) => startProjectionRunner({ projection, eventStore, pool, logger, ...options }));
}

/** The stored checkpoint of every read model (undefined: none). */
export async function checkpoints(pool: pg.Pool): Promise<Map<string, bigint | undefined>> {
  const { rows } = await pool.query<{ name: string; position: string | null }>('SELECT name, position::text FROM checkpoints');
  return new Map(rows.map((row) => [row.name, row.position === null ? undefined : BigInt(row.position)]));
}

/** The lowest checkpoint of all read models: how far every one of them has got. */
export async function slowestCheckpoint(pool: pg.Pool): Promise<bigint> {
  const stored = await checkpoints(pool);
  let slowest: bigint | undefined;
  for (const { name } of allProjections) {
    const position = stored.get(name) ?? -1n;
    if (slowest === undefined || position < slowest) slowest = position;
  }
  return slowest ?? -1n;
}

/** Waits until every read model has considered `position`; the error names the laggards. */
export async function waitForCheckpoints(pool: pg.Pool, position: bigint, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if ((await slowestCheckpoint(pool)) >= position) return;
    if (Date.now() > until) {
      const stored = [...(await checkpoints(pool))].map(([name, at]) => `${name}=${at ?? 'none'}`).join(', ');
      throw new Error(`read models did not reach ${position} within ${timeoutMs} ms: ${stored}`);
    }
    await sleep(50);
  }
}

const keyedTables = [
  ['products', 'sku', 'text'],
  ['inventory', 'sku', 'text'],
  ['orders', 'order_id', 'uuid'],
  ['order_history', 'order_id', 'uuid'],
  ['payments', 'order_id', 'uuid'],
  ['fulfillment_sagas', 'order_id', 'uuid'],
  ['fulfillment_steps', 'order_id', 'uuid'],
] as const;

/**
 * Every row the read models hold for the workload's keys, whole (positions and timestamps included),
 * as text in a stable order: two databases fed the same log must hold the same rows.
 */
export async function rowsOf(pool: Queryable, workload: Workload): Promise<Record<string, string[]>> {
  const rows: Record<string, string[]> = {};
  for (const [table, key, type] of keyedTables) {
    const keys = type === 'text' ? workload.skus : workload.orderIds;
    const result = await pool.query<{ row: string }>(
      `SELECT t::text AS row FROM ${table} t WHERE ${key} = ANY($1::${type}[]) ORDER BY t::text COLLATE "C"`,
      [keys],
    );
    rows[table] = result.rows.map((row) => row.row);
  }
  const parked = await pool.query<{ row: string }>(
    `SELECT concat_ws(' ', name, key, position, error) AS row FROM dead_letters WHERE key = ANY($1) ORDER BY 1`,
    [[...workload.skus, ...workload.orderIds]],
  );
  rows.dead_letters = parked.rows.map((row) => row.row);
  return rows;
}
