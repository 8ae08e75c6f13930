import type pg from 'pg';
import type { EventStore, RecordedEvent } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import { inTransaction } from '../postgres/transaction.ts';
import { lockDeadLetters, storedError } from './dead-letters.ts';
import { fromStoredRecordedEvent, readStoredRecordedEvent, toProjectedEvent, type StoredRecordedEvent } from './parsed-event.ts';
import type { Reaction } from './reaction.ts';
import { replayParkedKeys, type RetryOutcome } from './replay-parked-keys.ts';

/**
 * Replays the dead letters of one key (or of every key, oldest first) through `reaction.handle`, in
 * `$all` order, deleting each once handled. The first failure of a key records its error and stops that
 * key: later events must not overtake it. Safe while the runner is live: each replay holds the key's
 * dead-letter lock, under which the runner decides whether a new event of the key is parked behind.
 * `signal` (default: never) is handed to the handler. A dead letter whose copy had a secret redacted (a
 * payment token) is handed over as `eventStore` holds it: without one, it fails again.
 */
export async function retryParkedReaction(
  pool: pg.Pool,
  reaction: Reaction,
  logger: Logger,
  options: { key?: string; signal?: AbortSignal; eventStore?: EventStore } = {},
): Promise<RetryOutcome> {
  const signal = options.signal ?? new AbortController().signal;
  return replayParkedKeys(pool, reaction.name, options.key, async (key) => {
    const step = await replayOldest(pool, reaction, key, { logger, signal, eventStore: options.eventStore });
    return step === 'handled' ? 'replayed' : step;
  });
}

/**
 * Handles the oldest dead letter of a key and deletes it, in one transaction holding the key's lock:
 * the handler's effects are its own (appends), so a crash before COMMIT replays it once more, which an
 * idempotent handler absorbs.
 */
async function replayOldest(
  pool: pg.Pool,
  reaction: Reaction,
  key: string,
  { logger, signal, eventStore }: { logger: Logger; signal: AbortSignal; eventStore: EventStore | undefined },
): Promise<'handled' | 'failed' | 'empty'> {
  return inTransaction(pool, async (client) => {
    await lockDeadLetters(client, reaction.name, key);
    const { rows } = await client.query<{ position: string; event: string }>(
      'SELECT position::text, event FROM dead_letters WHERE name = $1 AND key = $2 ORDER BY dead_letters.position LIMIT 1',
      [reaction.name, key],
    );
    const row = rows[0];
    if (!row) return 'empty';
    // (An unreachable store throws from here: the retry fails as a whole and the dead letter stays as it was.)
    const stored = readStoredRecordedEvent(row.event);
    const event = await originalOf(stored, eventStore);
    try {
      if (typeof event === 'string') throw new Error(event);
      await reaction.handle(toProjectedEvent(event), signal);
    } catch (error) {
      const message = storedError(error, typeof event === 'string' ? fromStoredRecordedEvent(stored) : event);
      await client.query('UPDATE dead_letters SET error = $3 WHERE name = $1 AND position = $2', [reaction.name, row.position, message]);
      logger.warn({ reaction: reaction.name, key, position: row.position, err: error }, 'dead letter failed again');
      return 'failed';
    }
    await client.query('DELETE FROM dead_letters WHERE name = $1 AND position = $2', [reaction.name, row.position]);
    logger.info({ reaction: reaction.name, key, position: row.position }, 'dead letter replayed');
    return 'handled';
  });
}

/**
 * The event to hand the handler: the stored copy, unless a secret was redacted from it, in which case the
 * event store's original (read from its revision: such events live in an order's own short streams).
 * A string says why it cannot be had.
 */
async function originalOf(stored: StoredRecordedEvent, eventStore: EventStore | undefined): Promise<RecordedEvent | string> {
  const copy = fromStoredRecordedEvent(stored);
  if (stored.redacted === undefined) return copy;
  if (eventStore === undefined) return `the parked copy lacks ${stored.redacted.join(', ')}: retry with the event store`;
  const read = await eventStore.readStreamFrom(copy.streamName, copy.revision, () => undefined);
  const original = read === 'no_stream' ? undefined : read.find((event) => event.id === copy.id);
  if (original === undefined) return `event ${copy.id} is no longer in ${copy.streamName}`;
  const { decoded: _decoded, ...event } = original;
  return event;
}
