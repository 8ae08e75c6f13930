import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { EventStoreUnavailableError, type EventStore } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';

/** How long an event store still starting (beside us, in a deployment) may take to answer the head. */
const headWaitMs = 30_000;

/**
 * Refuses to start when a checkpoint (a read model's or a reaction's) is further along `$all` than the event
 * store's newest event. The read models then belong to another event store (a wrong ESDB_URL, a wiped or
 * older-restored store, a DATA_DIR's esdb folder deleted alone), and following this one from the
 * checkpoint would skip, without a word, every event it gets up to that position. Runs before the runners
 * start, so nothing has moved yet. A database not migrated yet has no checkpoints to compare.
 */
export async function refuseCheckpointsAheadOfHead(options: {
  pool: pg.Pool;
  eventStore: Pick<EventStore, 'headPosition'>;
  logger: Logger;
}): Promise<void> {
  const { pool, logger } = options;
  const { rows: table } = await pool.query<{ present: boolean }>(`SELECT to_regclass('checkpoints') IS NOT NULL AS present`);
  if (!table[0]?.present) return;

  // Checkpoints first, the head after: other processes may be moving both, and a checkpoint read before
  // the head can only be at or behind it; the other way round, a busy system would look broken.
  const { rows } = await pool.query<{ name: string; position: string }>(
    'SELECT name, position::text FROM checkpoints WHERE position IS NOT NULL ORDER BY name',
  );
  const head = await headPosition(options.eventStore, logger);
  const ahead = rows.filter((row) => BigInt(row.position) > head);
  if (ahead.length === 0) return;

  for (const { name, position } of ahead) {
    logger.error(
      { checkpoint: name, position, head: head.toString() },
      `checkpoint "${name}" is at position ${position}, ahead of the event store's head (position ${head})`,
    );
  }
  throw new Error(
    `${ahead.length} checkpoint(s) ahead of the event store's head (position ${head}): these read models were ` +
      'built from another event store. Point DATA_DIR, or ESDB_URL and DATABASE_URL, at an event store and a ' +
      'database that belong together; if the read models’ event store is gone for good, start them again on an ' +
      'empty database (with nothing configured: a new DATA_DIR), which rebuilds them from this event store.',
  );
}

async function headPosition(eventStore: Pick<EventStore, 'headPosition'>, logger: Logger): Promise<bigint> {
  const deadline = Date.now() + headWaitMs;
  for (;;) {
    try {
      return await eventStore.headPosition();
    } catch (error) {
      if (!(error instanceof EventStoreUnavailableError) || Date.now() > deadline) throw error;
      logger.warn({ err: error }, 'the event store does not answer yet: waiting to compare the checkpoints with its head');
      await sleep(1_000);
    }
  }
}
