import type pg from 'pg';
import type { RecordedEvent } from '../event-store/index.ts';
import { inTransaction } from '../postgres/transaction.ts';
import { lockDeadLetters, park } from './dead-letters.ts';

/** Parks a reaction's event that failed for good: its key is parked from here on. */
export async function parkFailed(pool: pg.Pool, name: string, key: string, event: RecordedEvent, error: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await lockDeadLetters(client, name, key);
    await park(client, name, key, event, error);
  });
}

/**
 * For an event of a key believed parked: under the key's lock, parks it behind the key's dead letters
 * if any remain (true), else parks nothing (false: a retry emptied them, the event is to be handled).
 * A retry deletes under the same lock, so it either sees this event parked and replays it too, or this
 * check sees the retry's deletes and the event is handled after the replayed ones.
 */
export async function parkBehind(pool: pg.Pool, name: string, key: string, event: RecordedEvent): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    await lockDeadLetters(client, name, key);
    if (!(await hasDeadLetters(client, name, key))) return false;
    await park(client, name, key, event, 'an earlier event of this key is parked');
    return true;
  });
}

export async function hasDeadLetters(client: pg.Pool | pg.PoolClient, name: string, key: string): Promise<boolean> {
  const { rows } = await client.query('SELECT 1 FROM dead_letters WHERE name = $1 AND key = $2 LIMIT 1', [name, key]);
  return rows.length > 0;
}

export async function parkedKeysOf(pool: pg.Pool, name: string): Promise<Set<string>> {
  const { rows } = await pool.query<{ key: string }>('SELECT DISTINCT key FROM dead_letters WHERE name = $1', [name]);
  return new Set(rows.map((row) => row.key));
}
