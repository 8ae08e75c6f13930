/**
 * Event id → log index for the most recently written events, like the real server's bounded
 * commit cache: it answers "was this id just written?" in O(1) for `any` / `stream_exists`
 * idempotency, without a map over the whole history.
 */
export class RecentEventIds {
  private readonly indexById = new Map<string, number>();

  constructor(private readonly capacity = 1 << 18) {}

  remember(idKey: string, logIndex: number): void {
    this.indexById.set(idKey, logIndex);
    if (this.indexById.size > this.capacity) {
      // Maps iterate in insertion order, so the first key is the oldest remembered id.
      const oldest = this.indexById.keys().next();
      if (!oldest.done) this.indexById.delete(oldest.value);
    }
  }

  find(idKey: string): number | undefined {
    return this.indexById.get(idKey);
  }

  /** Forgets `idKey` if it still points at `logIndex` (rollback of an unpersisted write). */
  forget(idKey: string, logIndex: number): void {
    if (this.indexById.get(idKey) === logIndex) this.indexById.delete(idKey);
  }
}
