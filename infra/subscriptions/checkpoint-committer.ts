import type pg from 'pg';
import { LostRoleError } from './lost-role-error.ts';
import type { PositionWindow } from './position-window.ts';

export interface CommittedCheckpoint {
  position: bigint;
  /** Events the commit covers that no earlier commit did. */
  events: number;
  newestCreatedAtMs: number | undefined;
  seconds: number;
}

/**
 * Commits a reaction's safe checkpoint, fenced by epoch like commitBatch, off the hot path: a move of the
 * safe position schedules one commit `intervalMs` later, and whatever moves meanwhile rides along, so a
 * busy reaction writes its checkpoint at most once per interval, never once per event. The first failure
 * (a fenced update is LostRoleError) is reported once and stops it: the session then ends.
 */
export class CheckpointCommitter {
  private committed: bigint | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failure: unknown;
  private closed = false;
  private interrupted = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly name: string,
    private readonly epoch: bigint,
    private readonly window: PositionWindow,
    private readonly intervalMs: number,
    private readonly onCommitted: (commit: CommittedCheckpoint) => void,
    private readonly onFailed: (error: unknown) => void,
  ) {
    this.committed = window.safe;
  }

  /** The safe position moved: commit it soon. */
  poke(): void {
    if (this.timer !== undefined || this.running !== undefined || this.failure !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.commit()
        .catch((error: unknown) => this.fail(error))
        .finally(() => {
          this.running = undefined;
          if (this.window.safe !== this.committed) this.poke();
        });
    }, this.intervalMs);
  }

  /** Resolves after the next commit, the failure that ends them, or interrupt(). */
  nextCommit(): Promise<void> {
    if (this.failure !== undefined || this.interrupted) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The session is ending: nobody waits for a commit any more (close() still makes the last one). */
  interrupt(): void {
    this.interrupted = true;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /**
   * The last commit of a session, once no handler runs any more: whatever is safe now. Throws what
   * fails it, LostRoleError included; does nothing after LostRoleError.
   */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
    await this.running;
    if (this.failure instanceof LostRoleError) return;
    await this.commit();
  }

  private async commit(): Promise<void> {
    const position = this.window.safe;
    if (position === undefined || position === this.committed) return;
    const covered = this.window.takeCovered();
    const started = performance.now();
    const result = await this.pool.query('UPDATE checkpoints SET position = $1, updated_at = now() WHERE name = $2 AND epoch = $3', [
      position.toString(10),
      this.name,
      this.epoch.toString(10),
    ]);
    if (result.rowCount === 0) throw new LostRoleError();
    this.committed = position;
    this.window.confirm(covered.events);
    this.onCommitted({ position, ...covered, seconds: (performance.now() - started) / 1000 });
    for (const wake of this.waiters.splice(0)) wake();
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    for (const wake of this.waiters.splice(0)) wake();
    this.onFailed(error);
  }
}
