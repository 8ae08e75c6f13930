import type pg from 'pg';
import type { Logger } from '../../infra/logger.ts';
import { backoffDelay, sleepUnlessAborted } from '../../infra/subscriptions/backoff.ts';

/** A deadline the index says has passed. */
export interface DueDeadline {
  orderId: string;
  dueAt: Date;
  correlationId: string;
}

export interface DeadlineSchedulerOptions {
  pool: pg.Pool;
  logger: Logger;
  /**
   * Fires one deadline: an append to the saga's stream with the revision it read, so whichever
   * scheduler (after a restart, or in another instance) fires first wins and the others find
   * nothing left to do.
   */
  fire(deadline: DueDeadline, now: Date): Promise<void>;
  /** How often the index is asked (default 200 ms): the deadline's precision. */
  pollMs?: number;
  /** Most deadlines fired per poll, concurrently (default 50). */
  batchSize?: number;
  now?: () => Date;
}

export interface DeadlineScheduler {
  stop(): Promise<void>;
}

/**
 * Fires the saga's durable deadlines. No timer holds a deadline, so nothing is lost with the
 * process: the due-time index in PostgreSQL is polled, each due deadline is fired, then marked
 * done in the index. A crash between the two fires it again, which the saga's stream turns into
 * a no-op.
 */
export function startDeadlineScheduler(options: DeadlineSchedulerOptions): DeadlineScheduler {
  const { pool, logger } = options;
  const pollMs = options.pollMs ?? 200;
  const batchSize = options.batchSize ?? 50;
  const now = options.now ?? (() => new Date());
  const stopping = new AbortController();

  const fireDue = async (): Promise<number> => {
    const at = now();
    const { rows } = await pool.query<{ order_id: string; due_at: Date; correlation_id: string }>(
      `SELECT order_id, due_at, correlation_id FROM fulfillment_deadlines
        WHERE due_at <= $1 ORDER BY due_at LIMIT $2`,
      [at, batchSize],
    );
    await Promise.all(
      rows.map(async (row) => {
        const deadline = { orderId: row.order_id, dueAt: row.due_at, correlationId: row.correlation_id };
        await options.fire(deadline, at);
        // Only this deadline: a newer one set meanwhile (same order, other due_at) stays.
        await pool.query('UPDATE fulfillment_deadlines SET due_at = NULL WHERE order_id = $1 AND due_at = $2', [row.order_id, row.due_at]);
      }),
    );
    return rows.length;
  };

  const run = async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        const fired = await fireDue();
        failures = 0;
        // A full batch means more are due: go on at once.
        if (fired < batchSize) await sleepUnlessAborted(pollMs, stopping.signal);
      } catch (error) {
        const retryInMs = backoffDelay(failures++, pollMs, 10_000);
        logger.warn({ err: error, retryInMs: Math.round(retryInMs) }, 'firing due deadlines failed; retrying');
        await sleepUnlessAborted(retryInMs, stopping.signal);
      }
    }
  };

  const done = run();
  return {
    stop: async () => {
      stopping.abort();
      await done;
    },
  };
}
