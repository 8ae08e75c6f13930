import type { AllSubscription, SubscriptionMessage } from '../event-store/index.ts';
import type { AllSource, GroupSubscription, GroupSubscriptionOptions } from './all-source.ts';
import { START_FLOOR } from './tail-ring.ts';
import type { TailRun } from './tail-run.ts';

/** What a consumer needs of the shared tail. */
export interface TailHost {
  /** The run to read from: the live one, or a new one when none is healthy. */
  current(): TailRun;
  /** Once per consumer, when it closes: the last one out stops the run. */
  detach(): Promise<void>;
  /** Counts handovers, for status and tests. */
  readonly counts: TailCounts;
}

export interface TailCounts {
  /** Consumers that started reading the ring (at subscribe, or after catching up on their own). */
  joined: number;
  /** Consumers that fell out of the ring and read on their own again. */
  fellBehind: number;
}

type Joined = { run: TailRun; seq: number };

/**
 * One group's subscription on the shared tail. It reads the ring while the ring holds everything after
 * its last considered position, and a subscription of its own otherwise (catching up from an older
 * checkpoint, or after falling out of the ring); it switches only between two messages, at the position
 * it has considered, so nothing is skipped, repeated or reordered. Events of other types become
 * checkpoints, one per `checkpointEvery` dropped (as the server's filter does) and one before caught-up;
 * past the last ones, quietPosition() tells an idle runner how far it may move its checkpoint.
 */
export class TailConsumer implements GroupSubscription {
  private readonly handles: ReadonlySet<string>;
  private readonly checkpointEvery: number;
  /** Every event up to here was delivered or dropped (START_FLOOR: nothing yet). */
  private considered: bigint;
  /** The highest position a message handed out covers: behind `considered` while dropped events pile up. */
  private delivered: bigint;
  private caughtUpSent = false;
  /** Waiting at the end of the ring: every message handed out was taken, none is on its way. */
  private waiting = false;
  private closed = false;
  private wakeOnClose: (() => void) | undefined;
  private own: { subscription: AllSubscription; messages: AsyncIterator<SubscriptionMessage> } | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly host: TailHost,
    private readonly direct: AllSource,
    options: GroupSubscriptionOptions,
  ) {
    this.handles = new Set(options.handles);
    this.checkpointEvery = options.checkpointEvery ?? 32;
    this.considered = options.from === 'start' ? START_FLOOR : options.from;
    this.delivered = this.considered;
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return this.messages();
  }

  quietPosition(): bigint | undefined {
    return this.waiting && this.considered !== START_FLOOR ? this.considered : undefined;
  }

  /** Ends the iteration (a pending next() resolves done) and detaches; never touches other consumers. */
  close(): Promise<void> {
    this.closed = true;
    this.wakeOnClose?.();
    this.closing ??= this.closeOwn().then(() => this.host.detach());
    return this.closing;
  }

  private async *messages(): AsyncGenerator<SubscriptionMessage> {
    try {
      let run = this.host.current();
      await this.until(run.ready); // a tail that cannot start fails the session, as a subscription would
      for (;;) {
        if (this.closed) return;
        let seq = run.joinAt(this.considered);
        if (seq === undefined) {
          const joined: Joined | undefined = yield* this.readOwn();
          if (joined === undefined) return;
          ({ run, seq } = joined);
        }
        this.host.counts.joined++;
        if (!(yield* this.readTail(run, seq))) return;
        this.host.counts.fellBehind++;
        run = this.host.current(); // fell out of the ring: read on our own until we can join again
      }
    } finally {
      await this.closeOwn();
    }
  }

  /** Own subscription from `considered` until the tail holds everything after it; undefined when it ends. */
  private async *readOwn(): AsyncGenerator<SubscriptionMessage, Joined | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const run = this.host.current();
      const seq = run.joinAt(this.considered);
      if (seq !== undefined) {
        await this.closeOwn();
        return { run, seq };
      }
      this.own ??= this.openOwn();
      const result = await this.own.messages.next();
      if (result.done) return undefined; // closed, or ended on its own: the session decides
      const message = this.fromOwn(result.value);
      if (message) yield message;
    }
  }

  /** The ring from `seq`; true when the consumer fell out of it, false when the iteration ends. */
  private async *readTail(run: TailRun, from: number): AsyncGenerator<SubscriptionMessage, boolean> {
    const ring = run.ring!;
    let seq = from;
    let dropped = 0;
    for (;;) {
      if (this.closed || run.stopped) return false;
      if (seq < ring.firstSeq) return true;
      if (seq < ring.endSeq) {
        const entry = ring.at(seq++);
        if (entry.position <= this.considered) continue; // the tail was behind our own subscription
        this.considered = entry.position;
        if (entry.message !== undefined && this.handles.has(entry.message.event.type)) {
          this.delivered = entry.position;
          dropped = 0;
          yield entry.message;
        } else if (++dropped >= this.checkpointEvery) {
          dropped = 0;
          yield this.checkpoint();
        }
        continue;
      }
      if (run.failure !== undefined) throw run.failure;
      if (run.caughtUp && !this.caughtUpSent) {
        // At the head: like the server, a checkpoint over what was dropped, then caught-up.
        if (this.considered > this.delivered) {
          dropped = 0;
          yield this.checkpoint();
          continue;
        }
        this.caughtUpSent = true;
        yield { kind: 'caught-up' };
        continue;
      }
      // A checkpoint after every read-out would cost a commit per event under load: quietPosition() instead.
      this.waiting = true;
      try {
        await this.until(run.changed());
      } finally {
        this.waiting = false;
      }
    }
  }

  private fromOwn(message: SubscriptionMessage): SubscriptionMessage | undefined {
    if (message.kind === 'caught-up') {
      if (this.caughtUpSent) return undefined;
      this.caughtUpSent = true;
      return message;
    }
    const position = message.kind === 'event' ? message.event.position : message.position;
    if (position > this.considered) this.considered = position;
    this.delivered = this.considered;
    // The server filter matches prefixes: a type that merely starts like a handled one only moves the checkpoint.
    if (message.kind === 'event' && !this.handles.has(message.event.type)) return { kind: 'checkpoint', position };
    return message;
  }

  private checkpoint(): SubscriptionMessage {
    this.delivered = this.considered;
    return { kind: 'checkpoint', position: this.considered };
  }

  private openOwn(): { subscription: AllSubscription; messages: AsyncIterator<SubscriptionMessage> } {
    const from = this.considered === START_FLOOR ? 'start' : this.considered;
    const subscription = this.direct.subscribe({ from, handles: [...this.handles], checkpointEvery: this.checkpointEvery });
    return { subscription, messages: subscription[Symbol.asyncIterator]() };
  }

  /** Cancels our own subscription and finishes its iterator, so its gRPC read is never left half-way. */
  private async closeOwn(): Promise<void> {
    const own = this.own;
    this.own = undefined;
    if (own === undefined) return;
    await own.subscription.close().catch(() => undefined);
    await own.messages.return?.().catch(() => undefined);
  }

  /** Waits for `work` (the run's start or next change, both short-lived), or for close(); rejects as `work` does. */
  private async until(work: Promise<void>): Promise<void> {
    if (this.closed) return;
    try {
      await new Promise<void>((resolve, reject) => {
        this.wakeOnClose = resolve;
        work.then(resolve, reject);
      });
    } finally {
      this.wakeOnClose = undefined;
    }
  }
}
