/** What a command needs of a stream it does not read again: the folded state, where the stream stands. */
export interface CachedStream {
  state: unknown;
  revision: bigint | 'no_stream';
  /** `$all` position of the stream's last event (what a no-op answers). */
  position: bigint | undefined;
}

/**
 * The folded state of the streams this process wrote last, so a command on a hot stream decides without
 * reading the whole (growing) stream again. Never trusted for correctness, only to save a read before an
 * append: the append carries the cached revision, so a stream another process moved on fails with
 * wrong-expected-revision and the command reads it afresh; a no-op or a refusal, which appends nothing,
 * is decided again on a fresh load before it is answered (handle-command.ts). Least recently used
 * streams are dropped beyond `capacity`.
 */
export class StreamStateCache {
  private readonly entries = new Map<string, CachedStream>();

  constructor(private readonly capacity = 10_000) {}

  get(streamName: string): CachedStream | undefined {
    const entry = this.entries.get(streamName);
    if (entry) {
      // Map iteration follows insertion order: re-inserting marks it most recently used.
      this.entries.delete(streamName);
      this.entries.set(streamName, entry);
    }
    return entry;
  }

  set(streamName: string, entry: CachedStream): void {
    this.entries.delete(streamName);
    this.entries.set(streamName, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(streamName: string): void {
    this.entries.delete(streamName);
  }
}
