import type pg from 'pg';
import type { Projection } from './projection-contract.ts';
import { BatchReader } from './batch-reader.ts';
import { commitBatch } from './commit-batch.ts';
import { LostRoleError } from './lost-role-error.ts';
import type { ProjectionMetrics } from './projection-metrics.ts';
import type { Session } from './subscription-runner.ts';

export interface ProjectionSessionOptions {
  projection: Projection;
  pool: pg.Pool;
  metrics: ProjectionMetrics | undefined;
  batchSize: number;
  batchDelayMs: number;
  liveBatchDelayMs: number;
  idleProbeMs: number;
  schema: string | undefined;
}

/**
 * A projection's session: batches committed with their rows and the checkpoint in one transaction (see
 * commitBatch), so what was committed is never applied again and what was not is read again.
 */
export function consumeProjection(options: ProjectionSessionOptions): (session: Session) => Promise<void> {
  const { projection, pool, metrics } = options;
  return async ({ lease, subscription, stopping, throwIfLost, state, logger, quietTail }) => {
    const reader = new BatchReader(subscription[Symbol.asyncIterator](), options.batchSize, options.batchDelayMs);
    for (;;) {
      const live = state.current.state === 'live';
      let batch = await reader.next(live ? options.idleProbeMs : undefined, live ? options.liveBatchDelayMs : options.batchDelayMs);
      if (stopping.aborted) return; // the batch in flight is dropped: it is read again next time
      throwIfLost();
      if (batch.idle) batch = { ...batch, considered: await quietTail(state.current.position) };
      const moved = batch.events.length > 0 || batch.considered !== undefined;
      if (moved) {
        throwIfLost(); // (a commit racing the loss is still fenced by the epoch)
        const started = performance.now();
        const result = await commitBatch(pool, projection, lease.epoch, batch, logger, options.schema);
        if (result.kind === 'fenced') throw new LostRoleError();
        metrics?.batchCommitted(projection.name, batch.events, (performance.now() - started) / 1000);
        state.current.parkedKeys = result.parkedKeys;
        state.committed(batch.events.length, batch.considered);
      }
      state.stepped(moved, batch.caughtUp);
      if (batch.ended) {
        if (stopping.aborted) return;
        throw new Error('the subscription ended on its own'); // reconnect, with backoff
      }
    }
  };
}
