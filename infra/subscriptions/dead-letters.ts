import type pg from 'pg';
import type { RecordedEvent } from '../event-store/index.ts';
import { deadLetterKey } from './dead-letter-key.ts';
import { storedCopyOf } from './parsed-event.ts';

/**
 * Serialises, per projection, the runner's batches with retries of dead letters (a transaction-level
 * lock, released at COMMIT/ROLLBACK): otherwise a batch could see a key still parked just as a retry
 * empties it, and park an event that nothing would ever replay. Reactions lock per key (`key` given): a
 * retry that waits on a slow handler then holds up only the runner's events of that key.
 */
export async function lockDeadLetters(client: pg.PoolClient, name: string, key?: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('dead-letters:' || $1))", [key === undefined ? name : `${name}:${key}`]);
}

/**
 * Stores an event that waits for its key to be fixed; replaying the same batch twice parks it once. The
 * copy is JSON text (JSON.stringify escapes NUL, which text and jsonb would refuse raw) without payment
 * tokens (see storedCopyOf: the event store keeps them, and retries read them there); the key is
 * stored in its dead-letter form (see deadLetterKey): whatever the event holds, parking it succeeds, so
 * one event can never hold up every key of its group.
 */
export async function park(client: pg.PoolClient, name: string, key: string, event: RecordedEvent, error: string): Promise<void> {
  const { stored } = storedCopyOf(event);
  await client.query(
    `INSERT INTO dead_letters (name, key, position, event, error) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (name, position) DO NOTHING`,
    [name, deadLetterKey(key), event.position.toString(10), JSON.stringify(stored), storedError(error, event)],
  );
}

/**
 * The error kept beside a dead letter: without NUL (text refuses it) and without the event's secrets, since
 * a handler's error may quote the token it was given (a provider's refusal).
 */
export function storedError(error: unknown, event: RecordedEvent): string {
  const message = error instanceof Error ? error.message : String(error);
  const { secrets } = storedCopyOf(event);
  return secrets.reduce((text, secret) => text.replaceAll(secret, '[redacted]'), message).replaceAll('\u0000', '');
}

export interface ParkedKey {
  key: string;
  events: number;
  firstPosition: bigint;
  error: string;
}

/** Parked keys of a projection, with the error of the event that blocks each (for /projections). */
export async function listParkedKeys(pool: pg.Pool, name: string): Promise<ParkedKey[]> {
  const { rows } = await pool.query<{ key: string; events: number; first_position: string; error: string }>(
    `SELECT DISTINCT ON (key) key, count(*) OVER (PARTITION BY key)::int AS events, position::text AS first_position, error
       FROM dead_letters WHERE name = $1 ORDER BY key, dead_letters.position`,
    [name],
  );
  return rows.map((row) => ({ key: row.key, events: row.events, firstPosition: BigInt(row.first_position), error: row.error }));
}
