import type pg from 'pg';
import { deadLetterKey } from './dead-letter-key.ts';

export interface RetryOutcome {
  /** Dead letters replayed and removed. */
  replayed: number;
  /** Keys still parked (the first event of each failed again, its error updated). */
  stillParked: string[];
}

/** What one replay of a key's oldest dead letter came to. */
export type ReplayStep = 'replayed' | 'failed' | 'empty';

/**
 * Replays the parked keys of a group (one, or every key, oldest first), each from its oldest dead letter
 * on, until it is empty or one fails again: the first failure stops that key, since its later events must
 * not overtake it. Projections and reactions differ only in how they replay one dead letter.
 */
export async function replayParkedKeys(
  pool: pg.Pool,
  group: string,
  key: string | undefined,
  replayOldest: (key: string) => Promise<ReplayStep>,
): Promise<RetryOutcome> {
  const keys =
    key !== undefined
      ? [deadLetterKey(key)] // as /projections shows it, or as the projection computes it
      : (
          await pool.query<{ key: string }>('SELECT key FROM dead_letters WHERE name = $1 GROUP BY key ORDER BY min(position)', [group])
        ).rows.map((row) => row.key);
  let replayed = 0;
  const stillParked: string[] = [];
  for (const parked of keys) {
    for (;;) {
      const step = await replayOldest(parked);
      if (step === 'empty') break;
      if (step === 'failed') {
        stillParked.push(parked);
        break;
      }
      replayed++;
    }
  }
  return { replayed, stillParked };
}
