import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RecordedEvent } from '../event-store/index.ts';
import type { SubscriptionRunnerStatus } from './runner-state.ts';

type State = SubscriptionRunnerStatus['state'];
/** What a scrape reads of a runner; `current` of the runner, never copied. */
export type TrackedStatus = Readonly<Pick<SubscriptionRunnerStatus, 'state' | 'position' | 'parkedKeys'>>;

/** What projection and reaction runners report (label `projection`: the group's name); one per registry, shared by every runner of the process. */
export interface ProjectionMetrics {
  /** Follows a runner's state, checkpoint and parked keys, read at each scrape (a later runner of the same name replaces it). */
  track(projection: string, status: () => TrackedStatus): void;
  /** A batch committed: its events (none when it only moved the checkpoint) and how long the commit took. */
  batchCommitted(projection: string, events: readonly RecordedEvent[], seconds: number): void;
  /** The same for a reaction's checkpoint commit: `events` finished since the last one, the newest created then. */
  checkpointCommitted(name: string, events: number, newestCreatedAtMs: number | undefined, seconds: number): void;
  /** A session failed (a store unreachable, the lock's connection lost); the runner reconnects after backoff. */
  reconnecting(projection: string): void;
}

export interface ProjectionMetricsOptions {
  /** Head of `$all`, for the lag in positions; read at most once per scrape, never awaited past `headTimeoutMs`. */
  headPosition: () => Promise<bigint>;
  /** Longest a scrape waits for the head; past it (or when the store fails) the last head read is used. Default 1000. */
  headTimeoutMs?: number;
}

// The compiler keeps this complete: a new runner state must be listed, or it would never read 1.
const allStates = Object.keys({
  standby: 1,
  running: 1,
  'catching-up': 1,
  live: 1,
  disconnected: 1,
  stopped: 1,
} satisfies Record<State, 1>) as State[];

/**
 * Registers the projection series in `registry` (exposed on /metrics), label `projection`. State,
 * checkpoint, parked keys and the lags are computed at scrape from the tracked status, so they can never
 * miss a transition; batches and reconnects are counted as they happen. Positions are exported as
 * floats: exact up to 2^53 bytes of log, which is plenty for a lag.
 */
export function createProjectionMetrics(registry: Registry, options: ProjectionMetricsOptions): ProjectionMetrics {
  const tracked = new Map<string, () => TrackedStatus>();
  /** Lag in seconds measured at the last commit of a batch with events, per projection. */
  const batchLag = new Map<string, number>();
  const head = boundedHead(options.headPosition, options.headTimeoutMs ?? 1_000);
  const registers = [registry];
  const labelNames = ['projection'] as const;

  /** Sets one value per tracked runner that has one, after clearing runners that no longer do. */
  const each = (gauge: Gauge<'projection'>, value: (name: string, status: TrackedStatus) => number | undefined) => {
    gauge.reset();
    for (const [name, status] of tracked) {
      const v = value(name, status());
      if (v !== undefined) gauge.set({ projection: name }, v);
    }
  };
  /** Head − checkpoint; undefined until both are known (a standby runner has no checkpoint yet). */
  const lagPosition = (status: TrackedStatus, headNow: bigint | undefined): number | undefined => {
    if (headNow === undefined || status.position === undefined) return undefined;
    return headNow > status.position ? Number(headNow - status.position) : 0;
  };

  new Gauge({
    name: 'projection_checkpoint_position',
    help: 'Last $all commit position the projection has committed as considered',
    labelNames,
    registers,
    collect() {
      each(this, (_name, status) => (status.position === undefined ? undefined : Number(status.position)));
    },
  });
  new Gauge({
    name: 'projection_lag_position',
    help: 'Head of $all minus the checkpoint, in commit-position bytes (the last head read when the store does not answer)',
    labelNames,
    registers,
    async collect() {
      const headNow = await head();
      each(this, (_name, status) => lagPosition(status, headNow));
    },
  });
  new Gauge({
    name: 'projection_lag_seconds',
    help: 'Commit time minus creation time of the newest event of the last batch with events; 0 while live with nothing pending',
    labelNames,
    registers,
    async collect() {
      const headNow = await head();
      // A caught-up projection on a quiet system is current: the age of its last event is no lag.
      each(this, (name, status) => (status.state === 'live' && lagPosition(status, headNow) === 0 ? 0 : batchLag.get(name)));
    },
  });
  new Gauge({
    name: 'projection_parked_keys',
    help: 'Read-model keys whose events wait in dead_letters',
    labelNames,
    registers,
    collect() {
      each(this, (_name, status) => status.parkedKeys.length);
    },
  });
  new Gauge({
    name: 'projection_state',
    help: 'Runner state: 1 for the current one (standby, running, catching-up, live, disconnected, stopped)',
    labelNames: ['projection', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const [name, status] of tracked) {
        const now = status().state;
        for (const state of allStates) this.set({ projection: name, state }, state === now ? 1 : 0);
      }
    },
  });
  const batchSize = new Histogram({
    name: 'projection_batch_size',
    help: 'Events per committed batch (0: the batch only moved the checkpoint past events the filter drops)',
    labelNames,
    buckets: [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers,
  });
  const batchDuration = new Histogram({
    name: 'projection_batch_duration_seconds',
    help: 'Time to commit one batch: rows, dead letters, checkpoint and NOTIFYs in one transaction (a reaction: its checkpoint)',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const handled = new Counter({
    name: 'projection_events_handled_total',
    help: 'Events committed by the projection or reaction, applied (handled) or parked',
    labelNames,
    registers,
  });
  const reconnects = new Counter({
    name: 'projection_reconnects_total',
    help: 'Sessions that failed (event store or database unreachable, lock connection lost) and were retried',
    labelNames,
    registers,
  });

  const committed = (projection: string, events: number, newestCreatedAtMs: number | undefined, seconds: number) => {
    batchSize.observe({ projection }, events);
    batchDuration.observe({ projection }, seconds);
    if (events === 0 || newestCreatedAtMs === undefined) return;
    handled.inc({ projection }, events);
    // Clocks of the store and of this process may differ a little: never report a negative lag.
    batchLag.set(projection, Math.max(0, (Date.now() - newestCreatedAtMs) / 1000));
  };

  return {
    track(projection, status) {
      tracked.set(projection, status);
    },
    batchCommitted(projection, events, seconds) {
      const newest = events.reduce((latest, event) => Math.max(latest, event.createdAt.getTime()), 0);
      committed(projection, events.length, newest, seconds);
    },
    checkpointCommitted: committed,
    reconnecting(projection) {
      reconnects.inc({ projection });
    },
  };
}

/**
 * The head of `$all` for a scrape: a scrape must answer even when the store does not, so it waits for a
 * read at most `timeoutMs`, never starts a second read while one is pending, and falls back to the last
 * head read (undefined before the first). Parallel collects of one scrape share the read.
 */
function boundedHead(read: () => Promise<bigint>, timeoutMs: number): () => Promise<bigint | undefined> {
  let last: bigint | undefined;
  let pending: Promise<void> | undefined;
  return async () => {
    pending ??= Promise.resolve()
      .then(read)
      .then((head) => void (last = head), () => undefined)
      .finally(() => (pending = undefined));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    try {
      await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return last;
  };
}
