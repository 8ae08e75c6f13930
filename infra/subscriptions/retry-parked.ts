import type pg from 'pg';
import type { Logger } from '../logger.ts';
import type { Projection } from './projection-contract.ts';
import { applyDeadLetter } from './apply-dead-letter.ts';
import { replayParkedKeys, type RetryOutcome } from './replay-parked-keys.ts';

export type { RetryOutcome } from './replay-parked-keys.ts';

/**
 * Replays the dead letters of one key (or of every key) in `$all` order, each in its own transaction
 * with its NOTIFYs, removing it when applied. The first failure of a key stops that key: later events
 * must not overtake it. Safe to run while the runner is live (see lockDeadLetters), and twice.
 */
export async function retryParked(
  pool: pg.Pool,
  projection: Projection,
  logger: Logger,
  options: { key?: string; schema?: string } = {},
): Promise<RetryOutcome> {
  return replayParkedKeys(pool, projection.name, options.key, async (key) => {
    const step = await applyDeadLetter(pool, projection, key, logger, options.schema);
    return step === 'applied' ? 'replayed' : step;
  });
}
