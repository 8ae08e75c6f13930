import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from '../../../infra/logger.ts';
import { toDatabaseError } from '../../../infra/postgres/database-unavailable.ts';
import { startPeriodicPurge } from './periodic-purge.ts';

/** The answer a command gave, stored to be replayed verbatim. */
export interface StoredAnswer {
  status: number;
  /** Only the headers worth replaying (content-type, Location, ES-Position…). */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** What `complete` keeps: a string body is stored as its UTF-8 bytes. */
export type AnswerToStore = Omit<StoredAnswer, 'body'> & { body: Buffer | string };

/** What `begin` found for a key. */
export type BeginOutcome =
  /**
   * This request runs the command; pass `token` to complete or release. `tookOver`: an earlier run with
   * this key failed or crashed, and may have appended before it did.
   */
  | { kind: 'claimed'; token: string; tookOver: boolean }
  /** The command already ran with this key and body: answer this. */
  | ({ kind: 'replay' } & StoredAnswer)
  /** The key was used with another body (HTTP 422). */
  | { kind: 'mismatch' }
  /** Another request with this key still runs after the wait (HTTP 409, retry later). */
  | { kind: 'busy' };

/** Durable HTTP idempotency: one entry per (route, key), pending while its command runs, then done. */
export interface IdempotencyStore {
  /** Claims the key, or waits up to `waitMs` (default 0) for the request holding it to finish. */
  begin(route: string, key: string, requestHash: string, options?: { waitMs?: number }): Promise<BeginOutcome>;
  /** Stores the answer if `token` still holds the claim; false when its lease was taken over meanwhile. */
  complete(route: string, key: string, token: string, answer: AnswerToStore): Promise<boolean>;
  /** Gives up the claim without an answer (5xx), so a retry runs the command again. */
  release(route: string, key: string, token: string): Promise<void>;
  /** Deletes entries older than the retention; returns how many. */
  purgeExpired(): Promise<number>;
  /** Purges now and then every `intervalMs` (default 10 min) until the returned stop() resolves. */
  startPurging(intervalMs?: number): () => Promise<void>;
}

export interface IdempotencyStoreOptions {
  logger: Logger;
  /** How long a claim holds before another request may take it over (default 30 s). Commands must finish well within it. */
  leaseMs?: number;
  /** How long answers are kept (default 24 h, the least DESIGN §3 promises). */
  retentionMs?: number;
}

interface EntryRow {
  state: 'pending' | 'done' | 'released';
  request_hash: Buffer;
  status: number | null;
  headers: Record<string, string | string[]> | null;
  body: Buffer | null;
}

/**
 * Inserts a pending entry, or takes over one whose holder let its lease run out (it crashed or hung) or
 * released it (its command failed without a decision, a 5xx), but only for the same request body: a
 * different body with the key is a mismatch, whatever the state. One statement, so two requests can never
 * both claim. `xmax = 0` tells an insert (the key was never used: no earlier run can exist) from a takeover
 * (an earlier run may have appended before it failed).
 */
const claimSql = `
  INSERT INTO idempotency_keys AS entry (key_hash, route, request_hash, state, owner, lease_until)
  VALUES ($1, $2, $3, 'pending', $4, now() + $5::double precision * interval '1 millisecond')
  ON CONFLICT (key_hash) DO UPDATE
    SET state = 'pending', owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until, created_at = now()
    WHERE (entry.state = 'released' OR (entry.state = 'pending' AND entry.lease_until < now()))
      AND entry.request_hash = EXCLUDED.request_hash
  RETURNING (xmax <> 0) AS took_over`;

const readSql = 'SELECT state, request_hash, status, headers, body FROM idempotency_keys WHERE key_hash = $1';

const completeSql = `
  UPDATE idempotency_keys SET state = 'done', status = $3, headers = $4, body = $5
  WHERE key_hash = $1 AND owner = $2 AND state = 'pending'`;

// Kept, not deleted: the next request with the key must know that this run may have appended.
const releaseSql = `
  UPDATE idempotency_keys SET state = 'released', lease_until = now()
  WHERE key_hash = $1 AND owner = $2 AND state = 'pending'`;

/** Batched, so a large backlog never holds locks on many rows at once. Live leases are never purged. */
const purgeBatchSize = 5_000;
const purgeSql = `
  DELETE FROM idempotency_keys WHERE key_hash IN (
    SELECT key_hash FROM idempotency_keys
    WHERE created_at < now() - $1::double precision * interval '1 millisecond'
      AND (state <> 'pending' OR lease_until < now())
    LIMIT ${purgeBatchSize})`;

/** The key never reaches the table or an index: only this hash, which also scopes it to its route. */
const keyHashOf = (route: string, key: string): Buffer => createHash('sha256').update(`${route}\u0000${key}`).digest();

/** The route column is for people; text refuses NUL, which a path parameter could decode to. */
const readableRoute = (route: string) => route.replaceAll('\u0000', '\\u0000');

/** The store on the `idempotency_keys` table (migration 0001_idempotency). Times are the database's clock. */
export function createIdempotencyStore(pool: pg.Pool, options: IdempotencyStoreOptions): IdempotencyStore {
  const leaseMs = options.leaseMs ?? 30_000;
  const retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
  const log = options.logger.child({ component: 'idempotency-store' });

  // Every query maps "cannot reach the database" to DatabaseUnavailableError, which the app answers 503.
  const query = async <Row extends pg.QueryResultRow>(text: string, values: unknown[]) => {
    try {
      return await pool.query<Row>(text, values);
    } catch (error) {
      throw toDatabaseError(error);
    }
  };

  const store: IdempotencyStore = {
    async begin(route, key, requestHash, { waitMs = 0 } = {}) {
      const keyHash = keyHashOf(route, key);
      const request = Buffer.from(requestHash, 'hex');
      const token = randomUUID();
      const deadline = Date.now() + waitMs;

      for (let attempt = 0; ; attempt++) {
        const values = [keyHash, readableRoute(route), request, token, leaseMs];
        const claimed = await query<{ took_over: boolean }>(claimSql, values);
        const claim = claimed.rows[0];
        if (claim) {
          if (claim.took_over) log.info({ route }, 'took over an idempotency key whose earlier run failed or expired');
          return { kind: 'claimed', token, tookOver: claim.took_over };
        }

        const entry = (await query<EntryRow>(readSql, [keyHash])).rows[0];
        if (entry && !entry.request_hash.equals(request)) return { kind: 'mismatch' };
        if (entry?.state === 'done') {
          // A done row always has all three (a CHECK constraint); the fallbacks only satisfy the types.
          const { status, headers, body } = entry;
          return { kind: 'replay', status: status ?? 500, headers: headers ?? {}, body: body ?? Buffer.alloc(0) };
        }
        if (Date.now() >= deadline) return { kind: 'busy' };
        // Still pending: wait for its holder to finish. Released (or purged) in between: claim again now.
        if (entry?.state === 'pending') await sleep(pollDelay(attempt, deadline - Date.now()));
      }
    },

    async complete(route, key, token, answer) {
      const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
      const values = [keyHashOf(route, key), token, answer.status, JSON.stringify(answer.headers), body];
      const stored = (await query(completeSql, values)).rowCount === 1;
      if (!stored) {
        log.warn({ route, status: answer.status }, 'answer not stored: the claim was taken over after its lease expired');
      }
      return stored;
    },

    async release(route, key, token) {
      await query(releaseSql, [keyHashOf(route, key), token]);
    },

    async purgeExpired() {
      let purged = 0;
      for (;;) {
        const deleted = (await query(purgeSql, [retentionMs])).rowCount ?? 0;
        purged += deleted;
        if (deleted < purgeBatchSize) return purged;
      }
    },

    startPurging(intervalMs = 10 * 60_000) {
      return startPeriodicPurge(() => store.purgeExpired(), intervalMs, log);
    },
  };
  return store;
}

/**
 * Waits between looks at a pending entry: 10 ms doubling to 200 ms, never past the deadline, jittered so
 * that many waiting duplicates do not query in lockstep.
 */
function pollDelay(attempt: number, remainingMs: number): number {
  const ceiling = Math.min(200, 10 * 2 ** attempt);
  return Math.max(1, Math.min(remainingMs, ceiling * (0.5 + Math.random() / 2)));
}
