import type pg from 'pg';
import type { RecordedEvent } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import type { Change, Projection, ProjectedEvent, SqlStatement } from './projection-contract.ts';
import { deadLetterKey } from './dead-letter-key.ts';
import { park } from './dead-letters.ts';
import { inlineStatements } from './inline-statements.ts';
import { isTransientDatabaseError } from './transient-database-error.ts';
import { parseOnce } from './parsed-event.ts';

/** A change to NOTIFY once the transaction commits. */
export interface Announcement {
  topic: string;
  key: string;
  position: bigint;
  /** When the event was appended: the live fan-out measures the delay users see from there. */
  appendedAt: Date;
}

/** The announcements of one applied event's changes. */
export const announced = (changes: readonly Change[], recorded: RecordedEvent): Announcement[] =>
  changes.map((change) => ({ ...change, position: recorded.position, appendedAt: recorded.createdAt }));

/** A recorded event with its key, parsed once per batch. */
export type Keyed = { recorded: RecordedEvent } & ({ key: string; projected: ProjectedEvent } | { key: string; error: unknown });

/**
 * The key an event belongs to, in its dead-letter form (see deadLetterKey). An event that does not parse,
 * or whose key cannot be computed, is poison: it is parked under the key the projection derives from its
 * raw data or stream (unparsedKey), so later events of that key wait behind it and its retry comes first;
 * under its stream name only when not even that can be told.
 */
export function keyOf(projection: Pick<Projection, 'key' | 'parse' | 'unparsedKey'>, recorded: RecordedEvent): Keyed {
  try {
    const projected = projection.parse ? projection.parse(recorded) : parseOnce(recorded);
    return { recorded, key: deadLetterKey(projection.key(projected)), projected };
  } catch (error) {
    return { recorded, key: deadLetterKey(unparsedKeyOf(projection, recorded)), error };
  }
}

function unparsedKeyOf(projection: Pick<Projection, 'unparsedKey'>, recorded: RecordedEvent): string {
  try {
    return projection.unparsedKey?.(recorded) ?? recorded.streamName;
  } catch {
    return recorded.streamName;
  }
}

/** Which keys of these events already wait in dead_letters (their later events must wait too). */
export async function parkedKeysAmong(client: pg.PoolClient, projection: Projection, events: Keyed[]): Promise<Set<string>> {
  const keys = [...new Set(events.map((event) => event.key))];
  if (keys.length === 0) return new Set();
  const { rows } = await client.query<{ key: string }>(
    'SELECT DISTINCT key FROM dead_letters WHERE name = $1 AND key = ANY($2::text[])',
    [projection.name, keys],
  );
  return new Set(rows.map((row) => row.key));
}

/**
 * Applies a batch's events in order, parking what cannot be applied, and returns the changes to
 * announce. Fast path: the whole batch under one SAVEPOINT, in one round trip when it can be. Only when an
 * event fails is the batch undone and applied again event by event, each in its own SAVEPOINT, so the
 * failure parks that event's key alone. Errors of the connection itself are rethrown: the caller
 * rolls back and the batch is read again, nothing parked.
 */
export async function applyBatch(client: pg.PoolClient, projection: Projection, events: Keyed[], logger: Logger): Promise<Announcement[]> {
  const parked = await parkedKeysAmong(client, projection, events);
  await client.query('SAVEPOINT projected_batch');
  try {
    const inlined = inlineBatch(projection, events, parked);
    if (inlined) {
      if (inlined.sql !== '') await client.query(inlined.sql);
      await client.query('RELEASE SAVEPOINT projected_batch');
      return inlined.announcements;
    }
    const announcements: Announcement[] = [];
    for (const keyed of events) announcements.push(...(await applyOrPark(client, projection, keyed, parked, logger, 'batch')));
    await client.query('RELEASE SAVEPOINT projected_batch');
    return announcements;
  } catch (error) {
    if (isTransientDatabaseError(error)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT projected_batch');
    const parkedBefore = await parkedKeysAmong(client, projection, events);
    const announcements: Announcement[] = [];
    for (const keyed of events) announcements.push(...(await applyOrPark(client, projection, keyed, parkedBefore, logger, 'event')));
    return announcements;
  }
}

/**
 * The common case in one round trip: every event parses and no key is parked, so the batch is nothing but
 * the projection's statements, sent as one query string (see inline-statements.ts). Undefined otherwise.
 */
function inlineBatch(projection: Projection, events: Keyed[], parked: Set<string>): { sql: string; announcements: Announcement[] } | undefined {
  const statements: SqlStatement[] = [];
  const announcements: Announcement[] = [];
  for (const keyed of events) {
    if ('error' in keyed || parked.has(keyed.key)) return undefined;
    const applied = projection.apply(keyed.projected);
    statements.push(...applied.statements);
    announcements.push(...announced(applied.changes, keyed.recorded));
  }
  const sql = inlineStatements(statements);
  return sql === undefined ? undefined : { sql, announcements };
}

/**
 * Applies one event; with `isolation: 'event'` inside its own SAVEPOINT, so its failure undoes only its
 * own statements, and it and every later event of its key are then parked (`parked` is updated), keeping
 * the key's order while other keys flow. With `isolation: 'batch'` a failure is thrown to applyBatch.
 */
async function applyOrPark(
  client: pg.PoolClient,
  projection: Projection,
  keyed: Keyed,
  parked: Set<string>,
  logger: Logger,
  isolation: 'batch' | 'event',
): Promise<Announcement[]> {
  const { recorded } = keyed;
  if (parked.has(keyed.key)) {
    await park(client, projection.name, keyed.key, recorded, 'an earlier event of this key is parked');
    return [];
  }
  if ('error' in keyed) return parkFirst(client, projection, keyed.key, recorded, keyed.error, parked, logger);
  if (isolation === 'batch') {
    const { statements, changes } = projection.apply(keyed.projected);
    for (const statement of statements) await client.query(statement.text, statement.values);
    return announced(changes, recorded);
  }
  await client.query('SAVEPOINT projected_event');
  try {
    const { statements, changes } = projection.apply(keyed.projected);
    for (const statement of statements) await client.query(statement.text, statement.values);
    await client.query('RELEASE SAVEPOINT projected_event');
    return announced(changes, recorded);
  } catch (error) {
    // A failure of the database rather than of this event (connection, deadlock, timeout…) must not
    // park it: the whole batch is rolled back and retried.
    if (isTransientDatabaseError(error)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT projected_event');
    return parkFirst(client, projection, keyed.key, recorded, error, parked, logger);
  }
}

async function parkFirst(
  client: pg.PoolClient,
  projection: Projection,
  key: string,
  recorded: RecordedEvent,
  error: unknown,
  parked: Set<string>,
  logger: Logger,
): Promise<Announcement[]> {
  const message = error instanceof Error ? error.message : String(error);
  logger.warn({ projection: projection.name, key, position: recorded.position.toString(10), err: error }, 'event parked');
  await park(client, projection.name, key, recorded, message);
  parked.add(key);
  return [];
}
