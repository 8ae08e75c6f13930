import type pg from 'pg';
import type { EventStore } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import type { AllSource } from './all-source.ts';
import type { Projection } from './projection-contract.ts';
import type { ProjectionMetrics } from './projection-metrics.ts';
import { consumeProjection } from './projection-session.ts';
import { startSubscriptionRunner, type SubscriptionRunner, type SubscriptionRunnerStatus } from './subscription-runner.ts';

export interface ProjectionRunnerOptions {
  projection: Projection;
  eventStore: EventStore;
  /** Where sessions subscribe to `$all` (default: a subscription of their own on `eventStore`). */
  source?: AllSource;
  pool: pg.Pool;
  logger: Logger;
  /** Most events per transaction. */
  batchSize?: number;
  /** Longest a batch waits for more events after its first message, while catching up. */
  batchDelayMs?: number;
  /**
   * The same once live: short, because a reader waiting for its own write (ES-Min-Position) waits this
   * long too; under load, events that arrive while a batch commits still make the next batch.
   */
  liveBatchDelayMs?: number;
  /** Events the server may scan before it reports a checkpoint: how far a quiet filter lets it lag. */
  checkpointEvery?: number;
  /** Idle time of a live subscription after which the quiet tail of the log is probed (see quiet-tail.ts). */
  idleProbeMs?: number;
  /** Schema of the projection's tables (a rebuild's fresh schema); default: the connection's search_path. */
  schema?: string;
  /** Cap of the reconnect backoff. */
  maxBackoffMs?: number;
  /** While catching up, a progress log line this often (default 10 s). */
  progressEveryMs?: number;
  /** Where to report batches, reconnects and (read at scrape) state, checkpoint and parked keys. */
  metrics?: ProjectionMetrics;
}

/** The names this module always had; projections and reactions share one runner. */
export type ProjectionRunnerStatus = SubscriptionRunnerStatus;
export type ProjectionRunner = SubscriptionRunner;

/**
 * Runs one projection for as long as the process lives (see startSubscriptionRunner for sessions, the
 * lock, fencing and reconnects): since rows and checkpoint commit together, what was committed is never
 * applied again and what was not is read again.
 */
export function startProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  const { projection, pool } = options;
  return startSubscriptionRunner({
    kind: 'projection',
    name: projection.name,
    handles: projection.handles,
    eventStore: options.eventStore,
    source: options.source,
    pool,
    logger: options.logger.child({ projection: projection.name }),
    metrics: options.metrics,
    maxBackoffMs: options.maxBackoffMs,
    checkpointEvery: options.checkpointEvery,
    progressEveryMs: options.progressEveryMs,
    consume: consumeProjection({
      projection,
      pool,
      metrics: options.metrics,
      batchSize: options.batchSize ?? 500,
      batchDelayMs: options.batchDelayMs ?? 50,
      liveBatchDelayMs: options.liveBatchDelayMs ?? 5,
      idleProbeMs: options.idleProbeMs ?? 1_000,
      schema: options.schema,
    }),
  });
}
