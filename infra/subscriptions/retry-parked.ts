import type pg from 'pg';
import type { Logger } from '../logger.ts';
import type { Projection } from '../../projections/projection.ts';
import { applyDeadLetter } from './apply-dead-letter.ts';

export interface RetryOutcome {
  /** Dead letters applied and removed. */
  replayed: number;
  /** Keys still parked (the first event of each failed again, its error updated). */
  stillParked: string[];
}

/**
 * Replays the dead letters of one key (or of every key) in `$all` order, each in its own transaction
 * with its NOTIFYs, removing it when applied. The first failure of a key stops that key: later events
 * must not overtake it. Safe to run while the runner is live (see lockDeadLetters), and twice.
 */
export async function retryParked(
  pool: pg.Pool,
  projection: Projection,
  logger: Logger,
  options: { key?: string; schema?: string } = {},
): Promise<RetryOutcome> {
  const keys =
    options.key !== undefined
      ? [options.key]
      : (await pool.query<{ key: string }>('SELECT DISTINCT key FROM dead_letters WHERE name = $1', [projection.name])).rows.map(
          (row) => row.key,
        );
  let replayed = 0;
  const stillParked: string[] = [];
  for (const key of keys) {
    for (;;) {
      const step = await applyDeadLetter(pool, projection, key, logger, options.schema);
      if (step === 'empty') break;
      if (step === 'failed') {
        stillParked.push(key);
        break;
      }
      replayed++;
    }
  }
  return { replayed, stillParked };
}
