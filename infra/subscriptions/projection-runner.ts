import type pg from 'pg';
import type { EventStore } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import type { Projection } from '../../projections/projection.ts';
import { backoffDelay, sleepUnlessAborted } from './backoff.ts';
import { BatchReader } from './batch-reader.ts';
import { CatchUpProgress } from './catch-up-progress.ts';
import { commitBatch } from './commit-batch.ts';
import { listParkedKeys } from './dead-letters.ts';
import type { ProjectionMetrics } from './projection-metrics.ts';
import { probeQuietTail } from './quiet-tail.ts';
import { acquireProjectionLease, type ProjectionLease } from './projection-lock.ts';

export interface ProjectionRunnerOptions {
  projection: Projection;
  eventStore: EventStore;
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

export interface ProjectionRunnerStatus {
  /** standby: another worker holds the projection's lock; this one waits to take over. */
  state: 'standby' | 'running' | 'catching-up' | 'live' | 'disconnected' | 'stopped';
  /** Last committed checkpoint (undefined: nothing considered yet). */
  position: bigint | undefined;
  disconnectedSince?: Date;
  parkedKeys: string[];
  /** Why the runner stopped on its own (it lost its role to another worker). */
  stoppedBecause?: string;
}

export interface ProjectionRunner {
  /** Ends the subscription, rolls back the batch in flight, releases the lock; resolves once all is closed. */
  stop(): Promise<void>;
  status(): ProjectionRunnerStatus;
}

/** Thrown out of a session when our epoch no longer matches: another worker owns the projection. */
class LostRoleError extends Error {}

/**
 * Runs one projection for as long as the process lives. Each session: take the lock, bump the epoch,
 * subscribe from the stored checkpoint (exclusive), commit batches. Any failure of either store ends the
 * session and a new one starts after a capped, jittered backoff, from the committed checkpoint: since
 * rows and checkpoint commit together, what was committed is never applied again and what was not is
 * read again. Losing the role (fenced commit) stops the runner: another worker is in charge.
 */
export function startProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  const { projection, eventStore, pool } = options;
  const logger = options.logger.child({ projection: projection.name });
  const batchSize = options.batchSize ?? 500;
  const batchDelayMs = options.batchDelayMs ?? 50;
  const current: ProjectionRunnerStatus = { state: 'standby', position: undefined, parkedKeys: [] };
  const stopping = new AbortController();
  const metrics = options.metrics;
  metrics?.track(projection.name, () => current);

  /** A position past the dropped events at the head, when there are some and nothing handled lies between. */
  const quietTail = async (position: bigint | undefined): Promise<bigint | undefined> => {
    const head = await eventStore.headPosition();
    if (position !== undefined && head <= position) return undefined;
    const safe = await probeQuietTail(eventStore, projection, position ?? 'start', 5_000, stopping.signal);
    return safe !== undefined && (position === undefined || safe > position) ? safe : undefined;
  };

  // Reset only once a batch commits: a session that fails at once (store down) must back off further.
  let attempt = 0;

  const runSession = async (lease: ProjectionLease) => {
    current.position = lease.from === 'start' ? undefined : lease.from;
    // 'running' until the first batch ('catching-up'), then 'live' from caught-up; after a failure the
    // runner stays 'disconnected' (with its date) until the new session makes progress.
    if (current.disconnectedSince === undefined) current.state = 'running';
    current.parkedKeys = (await listParkedKeys(pool, projection.name)).map((parked) => parked.key);
    const subscription = eventStore.subscribeToAll({
      from: lease.from,
      filter: { on: 'eventType', prefixes: [...projection.handles] },
      checkpointEvery: options.checkpointEvery ?? 32,
    });
    const closeOnStop = () => void subscription.close().catch(() => undefined);
    stopping.signal.addEventListener('abort', closeOnStop, { once: true });
    // The lock's connection failing means the lock is gone: end the subscription, commit nothing more.
    lease.lost.addEventListener('abort', closeOnStop, { once: true });
    const throwIfLost = () => {
      if (lease.lost.aborted) throw new Error('lost the connection holding the projection lock', { cause: lease.lost.reason });
    };
    try {
      const reader = new BatchReader(subscription[Symbol.asyncIterator](), batchSize, batchDelayMs);
      const progress = new CatchUpProgress(logger, options.progressEveryMs);
      for (;;) {
        const live = current.state === 'live';
        let batch = await reader.next(
          live ? (options.idleProbeMs ?? 1_000) : undefined,
          live ? (options.liveBatchDelayMs ?? 5) : batchDelayMs,
        );
        if (stopping.signal.aborted) return; // the batch in flight is dropped: it is read again next time
        throwIfLost();
        if (batch.idle) batch = { ...batch, considered: await quietTail(current.position) };
        if (batch.events.length > 0 || batch.considered !== undefined) {
          throwIfLost(); // (a commit racing the loss is still fenced by the epoch)
          const started = performance.now();
          const result = await commitBatch(pool, projection, lease.epoch, batch, logger, options.schema);
          if (result.kind === 'fenced') throw new LostRoleError('epoch bumped by another worker');
          metrics?.batchCommitted(projection.name, batch.events, (performance.now() - started) / 1000);
          attempt = 0;
          current.parkedKeys = result.parkedKeys;
          if (batch.considered !== undefined) current.position = batch.considered;
          if (current.state !== 'live') progress.committed(batch.events.length, current.position);
        }
        if (batch.events.length > 0 || batch.considered !== undefined || batch.caughtUp) delete current.disconnectedSince;
        if (batch.caughtUp && current.state !== 'live') {
          current.state = 'live';
          progress.caughtUp(current.position);
        }
        else if (current.state !== 'live' && current.disconnectedSince === undefined) current.state = 'catching-up';
        if (batch.ended) {
          if (stopping.signal.aborted) return;
          throw new Error('the subscription ended on its own'); // reconnect, with backoff
        }
      }
    } finally {
      stopping.signal.removeEventListener('abort', closeOnStop);
      lease.lost.removeEventListener('abort', closeOnStop);
      await subscription.close().catch(() => undefined);
    }
  };

  const run = async () => {
    while (!stopping.signal.aborted) {
      let lease: ProjectionLease | undefined;
      try {
        lease = await acquireProjectionLease(pool, projection.name, stopping.signal);
        logger.info({ epoch: lease.epoch.toString(10), position: lease.from.toString() }, 'projection lease taken');
        await runSession(lease);
      } catch (error) {
        if (stopping.signal.aborted) break;
        if (error instanceof LostRoleError) {
          logger.error({ err: error }, 'projection runner lost its role; stopping');
          current.stoppedBecause = error.message;
          break;
        }
        current.state = 'disconnected';
        current.disconnectedSince ??= new Date();
        metrics?.reconnecting(projection.name);
        const delay = backoffDelay(attempt++, 250, options.maxBackoffMs ?? 30_000);
        logger.warn({ err: error, retryInMs: Math.round(delay) }, 'projection runner disconnected; retrying');
        await lease?.release();
        lease = undefined;
        await sleepUnlessAborted(delay, stopping.signal);
      } finally {
        await lease?.release();
      }
    }
    current.state = 'stopped';
  };

  const done = run();
  return {
    stop: async () => {
      stopping.abort();
      await done;
    },
    status: () => ({ ...current, parkedKeys: [...current.parkedKeys] }),
  };
}
