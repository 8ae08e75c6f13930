/**
 * Event id → log index for the most recently written events, like the real server's bounded
 * commit cache: it answers "was this id just written?" in O(1) for `any` / `stream_exists`
 * idempotency, without a map over the whole history.
 *
 * Eviction goes through a ring of the remembered keys rather than the map's own insertion
 * order: iterating a Map from its front after many deletions skips every deleted slot, which
 * made each eviction slower than the last.
 */
export class RecentEventIds {
  private readonly indexById = new Map<string, number>();
  private readonly ringKeys: Array<string | undefined>;
  private readonly ringIndices: Int32Array;
  private next = 0;

  constructor(private readonly capacity = 1 << 18) {
    this.ringKeys = new Array<string | undefined>(capacity);
    this.ringIndices = new Int32Array(capacity);
  }

  remember(idKey: string, logIndex: number): void {
    const evicted = this.ringKeys[this.next];
    if (evicted !== undefined) this.forget(evicted, this.ringIndices[this.next] as number);
    this.ringKeys[this.next] = idKey;
    this.ringIndices[this.next] = logIndex;
    this.next = (this.next + 1) % this.capacity;
    this.indexById.set(idKey, logIndex);
  }

  find(idKey: string): number | undefined {
    return this.indexById.get(idKey);
  }

  /** Forgets `idKey` if it still points at `logIndex` (evicted, or its write was rolled back). */
  forget(idKey: string, logIndex: number): void {
    if (this.indexById.get(idKey) === logIndex) this.indexById.delete(idKey);
  }
}
