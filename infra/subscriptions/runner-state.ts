import type { Logger } from '../logger.ts';
import { backoffDelay } from './backoff.ts';
import { CatchUpProgress } from './catch-up-progress.ts';

export type SubscriptionKind = 'projection' | 'reaction';

export interface SubscriptionRunnerStatus {
  /** standby: another worker holds the group's lock; this one waits to take over. */
  state: 'standby' | 'running' | 'catching-up' | 'live' | 'disconnected' | 'stopped';
  /** Last committed checkpoint (undefined: nothing considered yet). */
  position: bigint | undefined;
  disconnectedSince?: Date;
  parkedKeys: string[];
}

/**
 * The status of one runner across its sessions, moved by what every kind of session reports (a commit,
 * the head reached), plus the reconnect backoff and the catch-up log lines that go with it.
 * `current` is read by metrics at scrape, never copied.
 */
export class RunnerState {
  readonly current: SubscriptionRunnerStatus = { state: 'standby', position: undefined, parkedKeys: [] };
  // Reset only once a commit succeeds: a session that fails at once (store down) must back off further.
  private attempt = 0;
  private progress: CatchUpProgress;

  constructor(
    private readonly logger: Logger,
    private readonly kind: SubscriptionKind,
    private readonly progressEveryMs: number | undefined,
    private readonly maxBackoffMs: number,
  ) {
    this.progress = new CatchUpProgress(logger, progressEveryMs, kind);
  }

  /**
   * 'running' until the first step ('catching-up'), then 'live' from caught-up; after a failure the
   * runner stays 'disconnected' (with its date) until the new session makes progress.
   */
  sessionStarted(from: bigint | 'start', parkedKeys: string[]): void {
    this.current.position = from === 'start' ? undefined : from;
    if (this.current.disconnectedSince === undefined) this.current.state = 'running';
    this.current.parkedKeys = parkedKeys;
    this.progress = new CatchUpProgress(this.logger, this.progressEveryMs, this.kind);
  }

  /** A checkpoint (with `events` handled since the last one) is committed. */
  committed(events: number, position: bigint | undefined): void {
    this.attempt = 0;
    if (position !== undefined) this.current.position = position;
    if (this.current.state !== 'live') this.progress.committed(events, this.current.position);
  }

  /** After each step of a session: `moved` when it committed something, `caughtUp` when it reached the head. */
  stepped(moved: boolean, caughtUp: boolean): void {
    if (moved || caughtUp) delete this.current.disconnectedSince;
    if (caughtUp && this.current.state !== 'live') {
      this.current.state = 'live';
      this.progress.caughtUp(this.current.position);
    } else if (this.current.state !== 'live' && this.current.disconnectedSince === undefined) {
      this.current.state = 'catching-up';
    }
  }

  /** A session failed: how long to wait before the next one. */
  disconnected(): number {
    this.current.state = 'disconnected';
    this.current.disconnectedSince ??= new Date();
    return backoffDelay(this.attempt++, 250, this.maxBackoffMs);
  }

  /**
   * A commit was fenced: another worker holds the role. Back to standby (not a disconnection: nothing is
   * broken, and readiness counts a standby as healthy); how long to wait before queueing for the lock.
   */
  lostRole(): number {
    this.current.state = 'standby';
    delete this.current.disconnectedSince;
    return backoffDelay(this.attempt++, 250, this.maxBackoffMs);
  }

  snapshot(): SubscriptionRunnerStatus {
    return { ...this.current, parkedKeys: [...this.current.parkedKeys] };
  }
}
