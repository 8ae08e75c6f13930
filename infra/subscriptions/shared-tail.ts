import type { EventStore } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import { directSource, type AllSource, type GroupSubscription, type GroupSubscriptionOptions } from './all-source.ts';
import { TailConsumer, type TailCounts } from './tail-consumer.ts';
import { TailRun } from './tail-run.ts';

export interface SharedTailOptions {
  eventStore: EventStore;
  logger: Logger;
  /**
   * Bounds of the ring, whichever is reached first (defaults 16,384 entries, 32 MiB of event JSON). At
   * 300 orders/s (~6,000 events/s) the entries hold about 3 s of traffic: a batch commit or a short pause
   * stays well inside, while a consumer stalled longer reads on its own, back-pressured by the server,
   * instead of holding memory. The bytes bound only matters for unusually large events.
   */
  maxEntries?: number;
  maxBytes?: number;
}

/**
 * One `$all` subscription per event-store client, shared by every subscription group of the process:
 * each event is received, decoded and frozen once, whatever the number of groups. A group behind the
 * tail catches up on a subscription of its own and then joins (see TailConsumer). The tail runs while
 * a group is subscribed: it starts with the first, stops when the last closes, and a failed run is
 * replaced when a group next needs it. Groups listening for `$`-types read on their own (the tail
 * leaves system events out).
 */
export interface SharedTailStatus extends TailCounts {
  /** A run is reading `$all` (and has not failed). */
  running: boolean;
  /** Subscriptions open on it, whether they read the ring or catch up on their own. */
  consumers: number;
}

export class SharedTail implements AllSource {
  private readonly direct: AllSource;
  private readonly counts: TailCounts = { joined: 0, fellBehind: 0 };
  private run: TailRun | undefined;
  private consumers = 0;
  private closed = false;

  constructor(private readonly options: SharedTailOptions) {
    this.direct = directSource(options.eventStore);
  }

  subscribe(options: GroupSubscriptionOptions): GroupSubscription {
    if (this.closed) throw new Error('the shared tail of $all is closed');
    if (options.handles.some((type) => type.startsWith('$'))) return this.direct.subscribe(options);
    this.consumers++;
    this.current(); // starts reading the head while the group is still setting up
    return new TailConsumer({ current: () => this.current(), detach: () => this.detach(), counts: this.counts }, this.direct, options);
  }

  status(): SharedTailStatus {
    return { running: this.run?.healthy ?? false, consumers: this.consumers, ...this.counts };
  }

  /** Stops the run; for shutdown, once the runners have stopped (their subscriptions closed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopRun();
  }

  private current(): TailRun {
    if (this.closed) throw new Error('the shared tail of $all is closed');
    if (this.run === undefined || this.run.failure !== undefined || this.run.stopped) {
      this.run = new TailRun({
        eventStore: this.options.eventStore,
        logger: this.options.logger,
        maxEntries: this.options.maxEntries ?? 16_384,
        maxBytes: this.options.maxBytes ?? 32 * 1024 * 1024,
      });
    }
    return this.run;
  }

  private async detach(): Promise<void> {
    if (--this.consumers > 0) return;
    await this.stopRun();
  }

  private async stopRun(): Promise<void> {
    const run = this.run;
    this.run = undefined;
    await run?.stop();
  }
}

/** A shared tail for this event-store client (see SharedTail). */
export const createSharedTail = (options: SharedTailOptions): SharedTail => new SharedTail(options);
