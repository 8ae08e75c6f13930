import type pg from 'pg';
import type { Logger } from '../logger.ts';
import type { Keyed } from './apply-or-park.ts';
import { backoffDelay, sleepUnlessAborted } from './backoff.ts';
import type { ParkedKeys } from './parked-keys.ts';
import { parkBehind, parkFailed } from './reaction-dead-letters.ts';
import type { Reaction } from './reaction.ts';

export interface DeliveryContext {
  reaction: Reaction;
  pool: pg.Pool;
  logger: Logger;
  /** Aborts when the session ends: stop waiting, the event is not finished. */
  signal: AbortSignal;
  parked: ParkedKeys;
  isTransient(error: unknown): boolean;
  retryBaseMs: number;
  retryMaxMs: number;
}

/**
 * Delivers one event, the previous one of its key being finished: true once it is finished (handled, or
 * parked), false when the session ended first (it is then not finished, and comes again next session).
 * A transient failure retries the same event, with backoff, for as long as the session lasts; any other
 * failure parks it and, from then on, every later event of its key.
 */
export async function deliverReactionEvent(keyed: Keyed, context: DeliveryContext): Promise<boolean> {
  const { reaction, pool, logger, signal } = context;
  const { key, recorded } = keyed;
  if (context.parked.has(key)) {
    let behind = false;
    const checked = await persistently(context, key, async () => {
      behind = await parkBehind(pool, reaction.name, key, recorded);
    });
    if (!checked) return false;
    if (behind) return true;
    context.parked.delete(key); // a retry emptied the key: it flows again, from this event
  }
  if ('error' in keyed) return parkFirst(keyed, keyed.error, context);
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) return false;
    try {
      await reaction.handle(keyed.projected, signal);
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      if (!context.isTransient(error)) return parkFirst(keyed, error, context);
      const delay = backoffDelay(attempt, context.retryBaseMs, context.retryMaxMs);
      logger.warn({ key, position: recorded.position.toString(10), err: error, retryInMs: Math.round(delay) }, 'reaction failed transiently; retrying');
      await sleepUnlessAborted(delay, signal);
    }
  }
}

async function parkFirst(keyed: Keyed, error: unknown, context: DeliveryContext): Promise<boolean> {
  const { key, recorded } = keyed;
  const message = error instanceof Error ? error.message : String(error);
  context.logger.warn({ key, position: recorded.position.toString(10), err: error }, 'event parked');
  if (!(await persistently(context, key, () => parkFailed(context.pool, context.reaction.name, key, recorded, message)))) return false;
  context.parked.add(key);
  return true;
}

/**
 * Bookkeeping in PostgreSQL retried in place until it succeeds or the session ends (false): when the
 * database is gone the checkpoint commit fails too, and that ends the session.
 */
async function persistently(context: DeliveryContext, key: string, work: () => Promise<void>): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    if (context.signal.aborted) return false;
    try {
      await work();
      return true;
    } catch (error) {
      if (context.signal.aborted) return false;
      const delay = backoffDelay(attempt, context.retryBaseMs, context.retryMaxMs);
      context.logger.warn({ key, err: error, retryInMs: Math.round(delay) }, 'dead-letter bookkeeping failed; retrying');
      await sleepUnlessAborted(delay, context.signal);
    }
  }
}
