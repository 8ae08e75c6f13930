import type pg from 'pg';
import type { RecordedEvent } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import type { Projection } from './projection-contract.ts';
import type { Batch } from './batch-reader.ts';
import { applyBatch, keyOf, type Announcement } from './apply-or-park.ts';
import { lockDeadLetters } from './dead-letters.ts';
import { inTransaction } from '../postgres/transaction.ts';

export type BatchResult = { kind: 'committed'; parkedKeys: string[] } | { kind: 'fenced' };

/**
 * Commits one batch in ONE transaction: every handled event's rows (or its dead letter), the new
 * checkpoint fenced by epoch, and the NOTIFYs. A crash before COMMIT leaves nothing, so the batch is
 * read again from the old checkpoint; after COMMIT nothing is read again: effects are exactly once.
 * NOTIFY inside the transaction is delivered by PostgreSQL only on commit, so listeners never hear of a
 * row (or a checkpoint) they cannot read yet.
 */
export async function commitBatch(
  pool: pg.Pool,
  projection: Projection,
  epoch: bigint,
  batch: Batch,
  logger: Logger,
  schema?: string,
): Promise<BatchResult> {
  const handled = new Set<string>(projection.handles);
  // The server filter matches by prefix: an event type that merely starts like a handled one is skipped.
  const events: RecordedEvent[] = batch.events.filter((event) => handled.has(event.type));
  return inTransaction(pool, async (client): Promise<BatchResult> => {
    await useSchema(client, schema);
    // The fence first: a worker whose epoch was bumped (it lost its lock) writes nothing at all, and the
    // checkpoint row stays locked until COMMIT, so a bump waits for a batch already under way.
    if (batch.considered !== undefined) {
      const fenced = await client.query(
        'UPDATE checkpoints SET position = $1, updated_at = now() WHERE name = $2 AND epoch = $3',
        [batch.considered.toString(10), projection.name, epoch.toString(10)],
      );
      if (fenced.rowCount === 0) return { kind: 'fenced' };
      await announceCheckpoint(client, projection.name, batch.considered);
    }
    await lockDeadLetters(client, projection.name);
    const announcements = await applyBatch(client, projection, events.map((event) => keyOf(projection, event)), logger);
    await notify(client, projection.name, announcements, logger);
    const { rows } = await client.query<{ key: string }>(
      'SELECT DISTINCT key FROM dead_letters WHERE name = $1 ORDER BY key',
      [projection.name],
    );
    return { kind: 'committed', parkedKeys: rows.map((row) => row.key) };
  });
}

/**
 * Projections name their tables unqualified so a rebuild can run the same SQL in a fresh schema; public
 * stays on the path for checkpoints and dead_letters. SET LOCAL ends with the transaction.
 */
export async function useSchema(client: pg.PoolClient, schema: string | undefined): Promise<void> {
  if (schema === undefined) return;
  await client.query(`SET LOCAL search_path TO ${client.escapeIdentifier(schema)}, public`);
}

/**
 * Announces changed rows, all in one statement. NOTIFY payloads must stay under 8000 bytes and a failed
 * NOTIFY aborts the transaction: too large a payload is left out (logged) before it is sent.
 */
export async function notify(client: pg.PoolClient, projection: string, changes: Announcement[], logger: Logger): Promise<void> {
  const payloads: string[] = [];
  for (const change of changes) {
    const payload = JSON.stringify({
      projection,
      topic: change.topic,
      key: change.key,
      position: change.position.toString(10),
      appendedAt: change.appendedAt.getTime(),
    });
    if (Buffer.byteLength(payload) < 7_900) payloads.push(payload);
    else logger.warn({ projection, topic: change.topic }, 'change not announced: NOTIFY payload too large');
  }
  if (payloads.length === 0) return;
  await client.query("SELECT pg_notify('projection_changes', payload) FROM unnest($1::text[]) WITH ORDINALITY AS p(payload, n) ORDER BY n", [payloads]);
}

/**
 * Readers waiting for their own writes (ES-Min-Position) are woken by this, not by the row changes:
 * a checkpoint also moves past events the projection drops, which change no row.
 */
async function announceCheckpoint(client: pg.PoolClient, projection: string, position: bigint): Promise<void> {
  await client.query("SELECT pg_notify('projection_checkpoints', $1)", [JSON.stringify({ projection, position: position.toString(10) })]);
}
