import type { RecordedEvent, SubscriptionMessage } from '../event-store/index.ts';

/** What one transaction will commit: events in `$all` order and the last position considered. */
export interface Batch {
  events: RecordedEvent[];
  /** Highest position covered by the events, a filter checkpoint or nothing (undefined). */
  considered: bigint | undefined;
  /** The subscription reported it reached the head while filling this batch. */
  caughtUp: boolean;
  /** The subscription ended (closed by stop()); nothing follows this batch. */
  ended: boolean;
  /** Nothing arrived for `idleMs`: the batch is empty. */
  idle: boolean;
}

/**
 * Cuts an ordered subscription into batches: a batch closes at `size` events, `delayMs` after its first
 * message, or at caught-up (so a quiet system commits its checkpoint at once). The pending `next()` is
 * kept across batches, so a message that arrives after a timeout is never lost or read twice.
 */
export class BatchReader {
  private pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;

  constructor(
    private readonly messages: AsyncIterator<SubscriptionMessage>,
    private readonly size: number,
    private readonly delayMs: number,
  ) {}

  /**
   * The next batch; an empty, idle one when no message arrives within `idleMs` (default: wait). `delayMs`
   * overrides the reader's delay for this batch.
   */
  async next(idleMs = Number.POSITIVE_INFINITY, delayMs = this.delayMs): Promise<Batch> {
    const batch: Batch = { events: [], considered: undefined, caughtUp: false, ended: false, idle: false };
    let deadline: number | undefined;
    for (;;) {
      this.pending ??= this.messages.next();
      const result = await withTimeout(this.pending, deadline === undefined ? idleMs : deadline - Date.now());
      if (result === 'timeout') return deadline === undefined ? { ...batch, idle: true } : batch;
      this.pending = undefined;
      if (result.done) return { ...batch, ended: true };
      deadline ??= Date.now() + delayMs;
      const message = result.value;
      if (message.kind === 'event') {
        batch.events.push(message.event);
        batch.considered = max(batch.considered, message.event.position);
        if (batch.events.length >= this.size) return batch;
      } else if (message.kind === 'checkpoint') {
        batch.considered = max(batch.considered, message.position);
      } else {
        return { ...batch, caughtUp: true };
      }
    }
  }
}

const max = (a: bigint | undefined, b: bigint): bigint => (a === undefined || b > a ? b : a);

export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  if (ms === Number.POSITIVE_INFINITY) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, ms))));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
