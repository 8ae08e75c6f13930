import type pg from 'pg';
import { EventStoreUnavailableError, type EventStore } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import type { AllSource } from './all-source.ts';
import type { ProjectionMetrics } from './projection-metrics.ts';
import type { Reaction } from './reaction.ts';
import { consumeReaction } from './reaction-session.ts';
import { startSubscriptionRunner, type SubscriptionRunner } from './subscription-runner.ts';
import { isTransientDatabaseError } from './transient-database-error.ts';

export interface ReactionRunnerOptions {
  reaction: Reaction;
  eventStore: EventStore;
  /** Where sessions subscribe to `$all` (default: a subscription of their own on `eventStore`). */
  source?: AllSource;
  pool: pg.Pool;
  logger: Logger;
  /** Where to report checkpoint commits (events handled), reconnects, state, checkpoint and parked keys. */
  metrics?: ProjectionMetrics;
  /** Cap of the reconnect backoff. */
  maxBackoffMs?: number;
  /** Events the server may scan before it reports a checkpoint: how far a quiet filter lets it lag. */
  checkpointEvery?: number;
  /** A moved checkpoint is committed within this (default 25 ms): how much a crash redelivers beyond the events in flight. */
  commitIntervalMs?: number;
  /** First delay, and cap, of the backoff between retries of an event that failed transiently. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Idle time of a live subscription after which the quiet tail of the log is probed (see quiet-tail.ts). */
  idleProbeMs?: number;
  /** While catching up, a progress log line this often (default 10 s). */
  progressEveryMs?: number;
}

/** Failures that say nothing about the event: the store or the database out of reach. */
export const isTransientByDefault = (error: unknown): boolean =>
  error instanceof EventStoreUnavailableError || isTransientDatabaseError(error);

/**
 * Runs one reaction for as long as the process lives, on the same machinery as projections (lock,
 * epoch, reconnects, status, metrics; see startSubscriptionRunner). Delivery is at least once: after a
 * crash, a takeover or a reconnect, the handled events past the committed checkpoint come again, and
 * there are at most `maxInFlight` of them, since reading stops while that many lie above it. Handlers
 * are idempotent (see Reaction.handle).
 */
export function startReactionRunner(options: ReactionRunnerOptions): SubscriptionRunner {
  const { reaction, pool } = options;
  return startSubscriptionRunner({
    kind: 'reaction',
    name: reaction.name,
    handles: reaction.handles,
    eventStore: options.eventStore,
    source: options.source,
    pool,
    logger: options.logger.child({ reaction: reaction.name }),
    metrics: options.metrics,
    maxBackoffMs: options.maxBackoffMs,
    checkpointEvery: options.checkpointEvery,
    progressEveryMs: options.progressEveryMs,
    consume: consumeReaction({
      reaction,
      pool,
      metrics: options.metrics,
      maxInFlight: reaction.maxInFlight ?? 1_000,
      commitIntervalMs: options.commitIntervalMs ?? 25,
      idleProbeMs: options.idleProbeMs ?? 1_000,
      retryBaseMs: options.retryBaseMs ?? 200,
      retryMaxMs: options.retryMaxMs ?? 10_000,
      isTransient: (error) => (reaction.isTransient ? reaction.isTransient(error) : isTransientByDefault(error)),
    }),
  });
}
