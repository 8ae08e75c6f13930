import type { AllSubscription, EventStore, RecordedEvent } from '../event-store/index.ts';
import type { Logger } from '../logger.ts';
import { START_FLOOR, TailRing, type TailEntry } from './tail-ring.ts';

export interface TailRunOptions {
  eventStore: EventStore;
  logger: Logger;
  maxEntries: number;
  maxBytes: number;
}

/**
 * One life of the shared tail: a single `$all` subscription from the head at its start, every event
 * received into a bounded ring. It never waits for a consumer (a slow one falls out of the ring and
 * reads on its own); it ends by stop() or by the first failure, which every consumer reading from it
 * then sees. A new run replaces a failed one; a run is never restarted.
 */
export class TailRun {
  /** Set once the start position is known and the subscription opened. */
  ring: TailRing | undefined;
  caughtUp = false;
  failure: unknown;
  stopped = false;
  /** Resolves once the ring exists; rejects with the failure that came first. */
  readonly ready: Promise<void>;
  private readonly done: Promise<void>;
  private subscription: AllSubscription | undefined;
  private wake: (() => void) | undefined;
  private waiting: Promise<void> | undefined;

  constructor(private readonly options: TailRunOptions) {
    let markReady!: () => void;
    let failStart!: (error: unknown) => void;
    this.ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (failStart = reject)));
    this.ready.catch(() => undefined); // consumers that never asked must not see an unhandled rejection
    this.done = this.follow(markReady).catch((error: unknown) => {
      if (!this.stopped) this.failure = error;
      failStart(error);
      if (this.failure !== undefined) options.logger.warn({ err: error }, 'shared tail of $all failed');
    });
    void this.done.finally(() => this.notify());
  }

  get healthy(): boolean {
    return this.ring !== undefined && this.failure === undefined && !this.stopped;
  }

  /** Resolves at the next change: an entry received, caught-up, the failure or the stop. */
  changed(): Promise<void> {
    this.waiting ??= new Promise<void>((resolve) => (this.wake = resolve));
    return this.waiting;
  }

  /**
   * Where a consumer that considered everything up to `position` joins, or undefined. Only into the
   * newer half of a ring at its bound: a consumer joining at the very edge would fall out again at once.
   */
  joinAt(position: bigint): number | undefined {
    if (!this.healthy) return undefined;
    const ring = this.ring!;
    const seq = ring.seqAfter(position);
    if (seq === undefined || (ring.full && seq - ring.firstSeq < (ring.endSeq - ring.firstSeq) / 2)) return undefined;
    return seq;
  }

  /** Cancels the subscription and waits until its read has ended, so the client can close cleanly. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.notify();
    await this.subscription?.close().catch(() => undefined);
    await this.done;
  }

  private async follow(markReady: () => void): Promise<void> {
    const head = await this.options.eventStore.headPosition();
    if (this.stopped) return;
    // An empty log answers 0: read it from the start then, so an event at 0 (if a store has one) is kept.
    const from = head === 0n ? 'start' : head;
    this.ring = new TailRing(this.options.maxEntries, this.options.maxBytes, from === 'start' ? START_FLOOR : from);
    // System events ($-types) are nobody's business here; the server's checkpoints still cover them.
    this.subscription = this.options.eventStore.subscribeToAll({ from, filter: { on: 'eventType', regex: '^[^$]' }, checkpointEvery: 32 });
    markReady();
    for await (const message of this.subscription) {
      if (this.stopped) return;
      if (message.kind === 'event') this.ring.push(eventEntry(message.event));
      else if (message.kind === 'checkpoint') this.ring.push({ position: message.position, message: undefined, bytes: 64 });
      else this.caughtUp = true;
      this.notify();
    }
    if (!this.stopped) throw new Error('the shared tail of $all ended on its own');
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    this.waiting = undefined;
    wake?.();
  }
}

/** Frozen and sized once: the event as JSON plus a fixed overhead for the record around it. */
function eventEntry(event: RecordedEvent): TailEntry {
  const bytes = 256 + event.streamName.length + event.type.length + jsonLength(event.data) + jsonLength(event.metadata);
  return { position: event.position, message: Object.freeze({ kind: 'event', event: Object.freeze(event) }), bytes };
}

const jsonLength = (value: unknown): number =>
  value instanceof Uint8Array ? value.byteLength : value === undefined ? 0 : (JSON.stringify(value)?.length ?? 0);
