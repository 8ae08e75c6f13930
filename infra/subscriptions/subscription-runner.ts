import { addAbortListener } from 'node:events';
import type pg from 'pg';
import type { EventStore } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import { directSource, type AllSource, type GroupSubscription } from './all-source.ts';
import { sleepUnlessAborted } from './backoff.ts';
import { listParkedKeys } from './dead-letters.ts';
import { LostRoleError } from './lost-role-error.ts';
import type { ProjectionMetrics } from './projection-metrics.ts';
import { acquireProjectionLease, type ProjectionLease } from './projection-lock.ts';
import { probeQuietTail } from './quiet-tail.ts';
import { RunnerState, type SubscriptionKind, type SubscriptionRunnerStatus } from './runner-state.ts';

export type { SubscriptionKind, SubscriptionRunnerStatus } from './runner-state.ts';

export interface SubscriptionRunner {
  /** Ends the subscription and the session's work in flight, releases the lock; resolves once all is closed. */
  stop(): Promise<void>;
  status(): SubscriptionRunnerStatus;
}

/** One session, handed to the consumer of a kind: it returns on stop and throws on any failure. */
export interface Session {
  lease: ProjectionLease;
  /** `$all` from the lease's checkpoint (exclusive), filtered on the group's event types. */
  subscription: GroupSubscription;
  /** Aborts on stop(); the subscription is then closed. */
  stopping: AbortSignal;
  /** Throws when the lock's connection failed (the subscription is then closed too). */
  throwIfLost(): void;
  state: RunnerState;
  logger: Logger;
  /** A position past the dropped events at the head, when there are some and nothing handled lies between. */
  quietTail(position: bigint | undefined): Promise<bigint | undefined>;
}

export interface SubscriptionRunnerOptions {
  kind: SubscriptionKind;
  /** The subscription group: checkpoint row, lock, dead letters, metrics label. */
  name: string;
  handles: readonly string[];
  eventStore: EventStore;
  /** Where sessions subscribe to `$all` (default: a subscription of their own on `eventStore`). */
  source?: AllSource;
  pool: pg.Pool;
  /** Already a child naming the group. */
  logger: Logger;
  metrics?: ProjectionMetrics;
  maxBackoffMs?: number;
  checkpointEvery?: number;
  progressEveryMs?: number;
  consume(session: Session): Promise<void>;
}

/**
 * Runs one subscription group for as long as the process lives, whatever consumes it. Each session: take
 * the lock, bump the epoch, subscribe from the stored checkpoint (exclusive), let the consumer work. Any
 * failure of either store ends the session and a new one starts after a capped, jittered backoff, from the
 * committed checkpoint. Losing the role (a fenced commit: another worker is in charge) sends the runner
 * back to standby, waiting for the lock like any other standby.
 */
export function startSubscriptionRunner(options: SubscriptionRunnerOptions): SubscriptionRunner {
  const { kind, name, eventStore, pool, logger, metrics } = options;
  const state = new RunnerState(logger, kind, options.progressEveryMs, options.maxBackoffMs ?? 30_000);
  const stopping = new AbortController();
  const source = options.source ?? directSource(eventStore);
  metrics?.track(name, () => state.current);

  const quietTail = async (subscription: GroupSubscription, position: bigint | undefined): Promise<bigint | undefined> => {
    // The shared tail knows without asking the store; a subscription of its own does not.
    const quiet = subscription.quietPosition?.();
    if (quiet !== undefined && (position === undefined || quiet > position)) return quiet;
    const head = await eventStore.headPosition();
    if (position !== undefined && head <= position) return undefined;
    const safe = await probeQuietTail(eventStore, options.handles, position ?? 'start', 5_000, stopping.signal);
    return safe !== undefined && (position === undefined || safe > position) ? safe : undefined;
  };

  const runSession = async (lease: ProjectionLease) => {
    state.sessionStarted(lease.from, (await listParkedKeys(pool, name)).map((parked) => parked.key));
    const subscription = source.subscribe({ from: lease.from, handles: options.handles, checkpointEvery: options.checkpointEvery ?? 32 });
    const closeOnStop = () => void subscription.close().catch(() => undefined);
    // addAbortListener also fires for a signal aborted already: a stop during the awaits above
    // (taking the lease, listing parked keys) would otherwise never reach this session.
    const onStop = addAbortListener(stopping.signal, closeOnStop);
    // The lock's connection failing means the lock is gone: end the subscription, commit nothing more.
    const onLost = addAbortListener(lease.lost, closeOnStop);
    const throwIfLost = () => {
      if (lease.lost.aborted) throw new Error(`lost the connection holding the ${kind} lock`, { cause: lease.lost.reason });
    };
    try {
      const sessionQuietTail = (position: bigint | undefined) => quietTail(subscription, position);
      await options.consume({ lease, subscription, stopping: stopping.signal, throwIfLost, state, logger, quietTail: sessionQuietTail });
    } finally {
      onStop[Symbol.dispose]();
      onLost[Symbol.dispose]();
      await subscription.close().catch(() => undefined);
    }
  };

  const run = async () => {
    while (!stopping.signal.aborted) {
      let lease: ProjectionLease | undefined;
      try {
        lease = await acquireProjectionLease(pool, name, stopping.signal);
        logger.info({ epoch: lease.epoch.toString(10), position: lease.from.toString() }, `${kind} lease taken`);
        await runSession(lease);
      } catch (error) {
        if (stopping.signal.aborted) break;
        // Fenced: another worker bumped the epoch and runs the group now. Waiting for the lock again as a
        // standby (rather than stopping) lets this one take over when that one dies, without a restart.
        const lostRole = error instanceof LostRoleError;
        const delay = lostRole ? state.lostRole() : state.disconnected();
        if (lostRole) {
          logger.warn({ err: error, retryInMs: Math.round(delay) }, `${kind} runner lost its role to another worker; back to standby`);
        } else {
          metrics?.reconnecting(name);
          logger.warn({ err: error, retryInMs: Math.round(delay) }, `${kind} runner disconnected; retrying`);
        }
        await lease?.release();
        lease = undefined;
        await sleepUnlessAborted(delay, stopping.signal);
      } finally {
        await lease?.release();
      }
    }
    state.current.state = 'stopped';
  };

  const done = run();
  return {
    stop: async () => {
      stopping.abort();
      await done;
    },
    status: () => state.snapshot(),
  };
}
