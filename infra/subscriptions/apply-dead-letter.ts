import type pg from 'pg';
import type { Logger } from '../logger.ts';
import type { Projection } from './projection-contract.ts';
import { notify, useSchema } from './commit-batch.ts';
import { announced } from './apply-or-park.ts';
import { lockDeadLetters, storedError } from './dead-letters.ts';
import { inTransaction } from '../postgres/transaction.ts';
import { fromStoredRecordedEvent, readStoredRecordedEvent, toProjectedEvent } from './parsed-event.ts';

/**
 * Applies the oldest dead letter of a key and deletes it, in one transaction (so it is applied once);
 * on failure records the new error and leaves it first in line.
 */
export async function applyDeadLetter(
  pool: pg.Pool,
  projection: Projection,
  key: string,
  logger: Logger,
  schema?: string,
): Promise<'applied' | 'failed' | 'empty'> {
  return inTransaction(pool, async (client) => {
    await useSchema(client, schema);
    await lockDeadLetters(client, projection.name);
    const { rows } = await client.query<{ position: string; event: string }>(
      'SELECT position::text, event FROM dead_letters WHERE name = $1 AND key = $2 ORDER BY dead_letters.position LIMIT 1',
      [projection.name, key],
    );
    const row = rows[0];
    if (!row) return 'empty';
    // From the copy, even one whose payment token was redacted: no read model ever reads a token.
    const recorded = fromStoredRecordedEvent(readStoredRecordedEvent(row.event));
    await client.query('SAVEPOINT dead_letter');
    try {
      const { statements, changes } = projection.apply((projection.parse ?? toProjectedEvent)(recorded));
      for (const statement of statements) await client.query(statement.text, statement.values);
      await client.query('DELETE FROM dead_letters WHERE name = $1 AND position = $2', [projection.name, row.position]);
      await notify(client, projection.name, announced(changes, recorded), logger);
      logger.info({ projection: projection.name, key, position: row.position }, 'dead letter replayed');
      return 'applied';
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT dead_letter');
      await client.query('UPDATE dead_letters SET error = $3 WHERE name = $1 AND position = $2', [projection.name, row.position, storedError(error, recorded)]);
      logger.warn({ projection: projection.name, key, position: row.position, err: error }, 'dead letter failed again');
      return 'failed';
    }
  });
}
