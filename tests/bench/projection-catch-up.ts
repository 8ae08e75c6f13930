/**
 * One catch-up of every read model over an existing log, as `npm start` runs the runners (one
 * event-store client, one 12-connection pool, one runner per projection), on a database migrated
 * here. Prints progress while it runs and one line per projection at the end.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEventStore } from '../../infra/event-store/index.ts';
import type { Logger } from '../../infra/logger.ts';
import { coreMigrations } from '../../infra/postgres/migrations/index.ts';
import { migrate } from '../../infra/postgres/migrations.ts';
import { createPgPool } from '../../infra/postgres/pool.ts';
import { createSharedTail, startProjectionRunner } from '../../infra/subscriptions/index.ts';
import { allProjections, projectionMigrations } from '../../projections/index.ts';
import type { CommerceLog } from './commerce-log.ts';
import { rate, report } from './figures.ts';
import { ownCpuSeconds } from './process-cpu.ts';

/** Every position of the log in order, to turn a checkpoint into a count of events considered. */
export interface LogIndex {
  positions: BigUint64Array;
  head: bigint;
}

export interface CatchUpOptions {
  databaseUrl: string;
  esdbUrl: string;
  log: LogIndex;
  written: CommerceLog;
  batchSize: number;
  logger: Logger;
  /** Give up when no checkpoint moves for this long. */
  stallMs?: number;
}

export interface CatchUpResult {
  ms: number;
  eventsPerSecond: number;
  ownCpuSeconds: number;
}

/** How many events of the log lie at or before `position`. */
function eventsUpTo(log: LogIndex, position: bigint | undefined): number {
  if (position === undefined) return 0;
  let low = 0;
  let high = log.positions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (log.positions[middle]! <= position) low = middle + 1;
    else high = middle;
  }
  return low;
}

export async function catchUp(options: CatchUpOptions): Promise<CatchUpResult> {
  const { log, logger } = options;
  const total = log.positions.length;
  const pool = createPgPool({ url: options.databaseUrl, logger, max: 12 });
  const eventStore = createEventStore({ url: options.esdbUrl, logger });
  try {
    await migrate(pool, [...coreMigrations, ...projectionMigrations], logger);
    await roundTrips(pool);
    const cpuBefore = ownCpuSeconds();
    const started = performance.now();
    // As composeApp wires them: behind the head, each catches up on its own and then joins the shared tail.
    const source = createSharedTail({ eventStore, logger });
    const tracked = allProjections.map((projection) => ({
      projection,
      runner: startProjectionRunner({ projection, eventStore, source, pool, logger, batchSize: options.batchSize }),
      atHeadMs: undefined as number | undefined,
      considered: 0,
    }));
    try {
      let lastPrint = started;
      let lastMove = started;
      let lastSum = 0;
      while (tracked.some((entry) => entry.atHeadMs === undefined)) {
        await sleep(100);
        const now = performance.now();
        for (const entry of tracked) {
          const status = entry.runner.status();
          if (status.state === 'stopped') throw new Error(`${entry.projection.name} stopped`);
          entry.considered = eventsUpTo(log, status.position);
          if (entry.atHeadMs === undefined && status.position !== undefined && status.position >= log.head) entry.atHeadMs = now - started;
        }
        const sum = tracked.reduce((all, entry) => all + entry.considered, 0);
        if (sum !== lastSum) [lastSum, lastMove] = [sum, now];
        if (now - lastMove > (options.stallMs ?? 120_000)) throw new Error('no checkpoint moved for two minutes');
        if (now - lastPrint >= 5_000) {
          lastPrint = now;
          const slowest = Math.min(...tracked.map((entry) => entry.considered));
          report(`  catching up… ${Math.round((now - started) / 1000)} s`, {
            ...Object.fromEntries(tracked.map((entry) => [entry.projection.name, entry.considered])),
            'slowest events/s': rate(slowest, now - started),
            'of': total,
          });
        }
      }
    } finally {
      await Promise.all(tracked.map((entry) => entry.runner.stop()));
    }
    const ms = Math.max(...tracked.map((entry) => entry.atHeadMs!));
    const cpu = ownCpuSeconds() - cpuBefore;
    for (const { projection, runner, atHeadMs } of tracked) {
      const handled = projection.handles.reduce((sum, type) => sum + (options.written.byType.get(type) ?? 0), 0);
      report(`  ${projection.name}`, {
        'handled events': handled,
        'seconds to head': (atHeadMs! / 1000).toFixed(1),
        'handled/s': rate(handled, atHeadMs!),
        'log events/s': rate(total, atHeadMs!),
        'parked keys': runner.status().parkedKeys.length,
      });
    }
    await reportRows(pool);
    return { ms, eventsPerSecond: rate(total, ms), ownCpuSeconds: cpu };
  } finally {
    await eventStore.close();
    await pool.end();
  }
}

/**
 * Sequential `SELECT 1` on one connection for two seconds: the floor under any work that waits for
 * one statement before it sends the next, as a runner does within its batch.
 */
async function roundTrips(pool: ReturnType<typeof createPgPool>) {
  const client = await pool.connect();
  try {
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < 2_000) {
      await client.query('SELECT 1');
      count++;
    }
    report('  PostgreSQL round trips, one connection', { 'SELECT 1/s': rate(count, performance.now() - started) });
  } finally {
    client.release();
  }
}

/** Row counts: a cheap check that the read models hold what the log says. */
async function reportRows(pool: ReturnType<typeof createPgPool>) {
  const tables = ['products', 'inventory', 'orders', 'order_history', 'payments', 'fulfillment_sagas', 'fulfillment_steps'];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await pool.query<{ count: string }>(`SELECT count(*)::text AS count FROM ${table}`);
    counts[table] = Number(rows[0]?.count ?? 0);
  }
  report('  rows', counts);
}
