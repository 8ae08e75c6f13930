const CHUNK_SIZE = 8 * 1024 * 1024;
const CHUNK_SPAN = 2 ** 32;

/**
 * Append-only byte storage in large chunks, so that a million small records cost a million
 * slices of a few big buffers rather than a million Buffer objects.
 *
 * A location is `chunkIndex * 2^32 + offset`: one float64 per record, exact up to 2^20 chunks.
 * A record never straddles two chunks; a record larger than a chunk gets a chunk of its own.
 */
export class ByteArena {
  private readonly chunks: Buffer[] = [];
  private used = CHUNK_SIZE;

  /** Reserves `length` bytes and returns their location; the caller fills them via `bytesAt`. */
  allocate(length: number): number {
    const last = this.chunks.length - 1;
    const lastChunk = this.chunks[last];
    if (lastChunk && this.used + length <= lastChunk.length) {
      const location = last * CHUNK_SPAN + this.used;
      this.used += length;
      return location;
    }
    this.chunks.push(Buffer.allocUnsafeSlow(Math.max(CHUNK_SIZE, length)));
    this.used = length;
    return (this.chunks.length - 1) * CHUNK_SPAN;
  }

  /** The chunk holding `location` and the offset of the record inside it. */
  bytesAt(location: number): { chunk: Buffer; offset: number } {
    const chunkIndex = Math.floor(location / CHUNK_SPAN);
    const chunk = this.chunks[chunkIndex];
    if (!chunk) throw new RangeError(`no arena chunk ${chunkIndex}`);
    return { chunk, offset: location - chunkIndex * CHUNK_SPAN };
  }

  /** Frees everything allocated at or after `location` (rollback of unpersisted writes). */
  truncate(location: number): void {
    const chunkIndex = Math.floor(location / CHUNK_SPAN);
    this.chunks.length = Math.min(this.chunks.length, chunkIndex + 1);
    this.used = location - chunkIndex * CHUNK_SPAN;
  }
}
