/** A delivered event whose handler may still run; `covers` grows with the checkpoints that followed it. */
export interface Slot {
  readonly position: bigint;
  covers: bigint;
  done: boolean;
  readonly createdAtMs: number;
}

/**
 * The safe checkpoint of a reaction: the highest position P such that every delivered event ≤ P is
 * finished (handled or parked) and every event ≤ P was delivered or dropped by the filter. Events enter
 * in `$all` order and may finish in any order; finished events are popped from the front, so each event
 * costs O(1) (amortised) however many are in flight.
 */
export class PositionWindow {
  private slots: Slot[] = [];
  private head = 0;
  private safePosition: bigint | undefined;
  /** Delivered events not yet covered by a committed checkpoint (see confirm). */
  private unconfirmed = 0;
  private popped = 0;
  private newestPoppedMs: number | undefined;

  constructor(from: bigint | undefined) {
    this.safePosition = from;
  }

  get safe(): bigint | undefined {
    return this.safePosition;
  }

  /** Events read whose position is above the committed checkpoint: what a crash now would redeliver. */
  get inFlight(): number {
    return this.unconfirmed;
  }

  get empty(): boolean {
    return this.head === this.slots.length;
  }

  deliver(position: bigint, createdAt: Date): Slot {
    const slot: Slot = { position, covers: position, done: false, createdAtMs: createdAt.getTime() };
    this.slots.push(slot);
    this.unconfirmed++;
    return slot;
  }

  /** The slot's handler resolved (or parked it); true when the safe position moved. */
  finish(slot: Slot): boolean {
    slot.done = true;
    if (this.slots[this.head] !== slot) return false;
    let front: Slot | undefined = slot;
    while (front?.done) {
      this.raise(front.covers);
      this.popped++;
      if (this.newestPoppedMs === undefined || front.createdAtMs > this.newestPoppedMs) this.newestPoppedMs = front.createdAtMs;
      front = this.slots[++this.head];
    }
    // Drop the popped prefix once it dominates, so the array never grows with the log.
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  /**
   * An in-order checkpoint (a filter checkpoint, or an event the group does not handle): every event
   * up to `position` was delivered before it. True when the safe position moved.
   */
  checkpoint(position: bigint): boolean {
    if (this.empty) return this.raise(position);
    const last = this.slots[this.slots.length - 1]!;
    if (position > last.covers) last.covers = position;
    return false;
  }

  /**
   * A position learnt out of band (the quiet tail): no handled event lies between the safe position and
   * it. It never passes an event in flight.
   */
  quiet(position: bigint): boolean {
    const front = this.slots[this.head];
    if (front !== undefined && position >= front.position) return false;
    return this.raise(position);
  }

  /** Events popped since the last take (all ≤ the safe position now): what a commit of it covers. */
  takeCovered(): { events: number; newestCreatedAtMs: number | undefined } {
    const taken = { events: this.popped, newestCreatedAtMs: this.newestPoppedMs };
    this.popped = 0;
    this.newestPoppedMs = undefined;
    return taken;
  }

  /** A commit covering `events` (from takeCovered) succeeded: they no longer count as in flight. */
  confirm(events: number): void {
    this.unconfirmed -= events;
  }

  private raise(position: bigint): boolean {
    if (this.safePosition !== undefined && position <= this.safePosition) return false;
    this.safePosition = position;
    return true;
  }
}
