import type pg from 'pg';
import type { Logger } from '../../infra/logger.ts';
import { NotificationListener } from '../../infra/postgres/notification-listener.ts';
import { parseCheckpointAnnouncement } from './checkpoint-announcement.ts';

/** What a wait ended with: the checkpoint reached the position, or how far it got before the bound. */
export type WaitOutcome = { reached: true } | { reached: false; checkpoint: bigint | undefined };

interface Waiter {
  projection: string;
  position: bigint;
  wake: () => void;
}

const channel = 'projection_checkpoints';

/**
 * Knows every projection's checkpoint as committed, so a GET carrying ES-Min-Position can wait for its
 * own write without polling. One dedicated connection LISTENs to the runners' checkpoint announcements
 * (sent inside their commit, so heard only once the rows are readable); after any (re)connection it
 * reads the checkpoints table again, because announcements made while it was away are lost for good.
 * While it has no connection, a waiter reads the table once itself, then waits for the resync; a waiter
 * about to time out reads it once more.
 */
export class CheckpointWatcher {
  private readonly known = new Map<string, bigint>();
  private readonly waiters = new Set<Waiter>();
  private readonly listener: NotificationListener;

  constructor(
    private readonly pool: pg.Pool,
    logger: Logger,
  ) {
    this.listener = new NotificationListener({
      pool,
      logger,
      channels: [channel],
      applicationName: 'checkpoint-watcher',
      onNotification: (_channel, payload) => {
        const announced = parseCheckpointAnnouncement(payload);
        if (announced) this.advance(announced.projection, announced.position);
        else logger.warn({ channel, payload: payload.slice(0, 200) }, 'malformed checkpoint announcement ignored');
      },
      onListening: (client) => this.load(client),
    });
  }

  /** Resolves once `projection` has considered `position`, or after `timeoutMs` with where it stands. */
  async waitFor(projection: string, position: bigint, timeoutMs: number): Promise<WaitOutcome> {
    if (this.reached(projection, position)) return { reached: true };
    let timer: NodeJS.Timeout | undefined;
    const waiter: Waiter = { projection, position, wake: () => undefined };
    const woken = new Promise<void>((resolve) => {
      waiter.wake = resolve;
      timer = setTimeout(resolve, timeoutMs);
    });
    this.waiters.add(waiter);
    try {
      if (!this.listener.listening) await this.load(this.pool, projection).catch(() => undefined);
      if (!this.reached(projection, position)) await woken;
      // Last look at the table before giving up: the answer then names the committed checkpoint, even
      // if an announcement was lost. If the database does not answer, that is the answer (503).
      if (!this.reached(projection, position)) await this.load(this.pool, projection);
    } finally {
      clearTimeout(timer);
      this.waiters.delete(waiter);
    }
    return this.reached(projection, position) ? { reached: true } : { reached: false, checkpoint: this.known.get(projection) };
  }

  /** True when `projection` is known to have considered `position` already (no database access). */
  hasConsidered(projection: string, position: bigint): boolean {
    return this.reached(projection, position);
  }

  async stop(): Promise<void> {
    await this.listener.stop();
    for (const waiter of this.waiters) waiter.wake();
  }

  private reached(projection: string, position: bigint): boolean {
    const checkpoint = this.known.get(projection);
    return checkpoint !== undefined && checkpoint >= position;
  }

  private advance(projection: string, position: bigint): void {
    const checkpoint = this.known.get(projection);
    if (checkpoint !== undefined && checkpoint >= position) return;
    this.known.set(projection, position);
    for (const waiter of this.waiters) {
      if (waiter.projection === projection && waiter.position <= position) waiter.wake();
    }
  }

  /** Reads the committed checkpoints (of one projection, or all). */
  private async load(db: Pick<pg.Pool, 'query'>, projection?: string): Promise<void> {
    const { rows } = await db.query<{ name: string; position: string }>(
      `SELECT name, position::text AS position FROM checkpoints WHERE position IS NOT NULL AND ($1::text IS NULL OR name = $1)`,
      [projection ?? null],
    );
    for (const row of rows) this.advance(row.name, BigInt(row.position));
  }
}
