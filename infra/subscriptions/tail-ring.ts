import type { RecordedEvent } from '../event-store/index.ts';

/** One considered position of `$all`: an event, or a server checkpoint past events the tail filters out. */
export interface TailEntry {
  readonly position: bigint;
  /** Shared by every consumer, so frozen: nobody may change what the others read. */
  readonly message: Readonly<{ kind: 'event'; event: RecordedEvent }> | undefined;
  readonly bytes: number;
}

/** Below every position: the ring holds `$all` from its very start. */
export const START_FLOOR = -1n;

/**
 * The newest entries of the tail, numbered by sequence, bounded both in count and in (estimated) bytes:
 * pushing past either bound drops the oldest. `floor` is the position of the last entry dropped (or
 * where the tail started): the ring holds every considered position above it, so a consumer whose last
 * considered position is at or above the floor can read on from the ring without a gap.
 */
export class TailRing {
  private readonly slots: Array<TailEntry | undefined>;
  private held = 0;
  private heldBytes = 0;
  firstSeq = 0;
  endSeq = 0;
  /** True once an entry was dropped: the ring is at its bound from then on. */
  full = false;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    public floor: bigint,
  ) {
    this.slots = new Array<TailEntry | undefined>(maxEntries);
  }

  push(entry: TailEntry): void {
    if (this.held === this.maxEntries) this.dropOldest();
    this.slots[this.endSeq % this.maxEntries] = entry;
    this.endSeq++;
    this.held++;
    this.heldBytes += entry.bytes;
    // The newest entry always stays, however large: a consumer at the head must be able to read it.
    while (this.heldBytes > this.maxBytes && this.held > 1) this.dropOldest();
  }

  /** The entry at `seq`; only for firstSeq ≤ seq < endSeq. */
  at(seq: number): TailEntry {
    return this.slots[seq % this.maxEntries]!;
  }

  /**
   * Where a consumer that has considered everything up to `position` reads on: the sequence of the first
   * entry above it. Undefined when entries above it were already dropped (it must read elsewhere).
   */
  seqAfter(position: bigint): number | undefined {
    if (position < this.floor) return undefined;
    let low = this.firstSeq;
    let high = this.endSeq;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (this.at(middle).position <= position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private dropOldest(): void {
    const slot = this.firstSeq % this.maxEntries;
    const oldest = this.slots[slot]!;
    this.slots[slot] = undefined;
    this.floor = oldest.position;
    this.firstSeq++;
    this.held--;
    this.heldBytes -= oldest.bytes;
    this.full = true;
  }
}
