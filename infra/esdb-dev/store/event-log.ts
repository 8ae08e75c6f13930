import { ByteArena } from './byte-arena.ts';
import {
  encodeRecord,
  encodedRecordSize,
  recordIdKey,
  recordStreamName,
  recordType,
  viewRecord,
  type EventRecordInput,
  type EventRecordView,
} from './event-record.ts';
import { GrowableArray, float64Array, int32Array } from './growable-array.ts';
import { RecentEventIds } from './recent-event-ids.ts';
import { StreamIndex, type StreamEntry } from './stream-index.ts';

/** Positions are a running byte count of the records, so they are sparse, increasing and > 0. */
const FIRST_POSITION = 1;

export type NewRecord = Omit<EventRecordInput, 'position' | 'revision'>;

/**
 * The whole `$all` log in memory, in commit order, plus the per-stream index.
 *
 * Two heads: `length` counts every record written (the writer decides expected revisions
 * against it), `committedLength` only those made durable and announced. Readers and
 * subscriptions never look past `committedLength`, so a record that is not yet on disk, or
 * that a failed write rolls back, is never served.
 */
export class EventLog {
  readonly streams = new StreamIndex();
  readonly recentIds = new RecentEventIds();
  private readonly arena = new ByteArena();
  private readonly positions = new GrowableArray(float64Array);
  private readonly locations = new GrowableArray(float64Array);
  private readonly streamNumbers = new GrowableArray(int32Array);
  private readonly typeNumbers = new GrowableArray(int32Array);
  private readonly typeNames: string[] = [];
  private readonly typeNumberByName = new Map<string, number>();
  private readonly commitListeners = new Set<() => void>();
  private committed = 0;
  private nextPosition = FIRST_POSITION;

  get length(): number {
    return this.positions.length;
  }

  get committedLength(): number {
    return this.committed;
  }

  /** Writes a record after the last one; it stays invisible to readers until `commit()`. */
  append(record: NewRecord): number {
    const entry = this.streams.getOrCreate(record.streamName);
    const input: EventRecordInput = { ...record, position: this.nextPosition, revision: entry.eventIndices.length };
    const size = encodedRecordSize(input);
    const location = this.arena.allocate(size);
    const { chunk, offset } = this.arena.bytesAt(location);
    encodeRecord(input, chunk, offset);
    this.nextPosition += size;
    return this.index(entry, location, input.position, input.type, chunk, offset);
  }

  /** Re-adds a record read back from the durable file, exactly as it was first written. */
  restore(bytes: Buffer): void {
    const source = viewRecord(bytes, 0);
    const entry = this.streams.getOrCreate(recordStreamName(source));
    if (source.revision !== entry.eventIndices.length || source.position < this.nextPosition) {
      throw new RangeError(`record out of order in ${entry.name} at position ${source.position}`);
    }
    const location = this.arena.allocate(source.length);
    const { chunk, offset } = this.arena.bytesAt(location);
    bytes.copy(chunk, offset, 0, source.length);
    this.nextPosition = source.position + source.length;
    this.index(entry, location, source.position, recordType(source), chunk, offset);
  }

  private index(entry: StreamEntry, location: number, position: number, type: string, chunk: Buffer, offset: number) {
    const logIndex = this.positions.length;
    this.positions.push(position);
    this.locations.push(location);
    this.streamNumbers.push(entry.number);
    this.typeNumbers.push(this.internType(type));
    entry.eventIndices.push(logIndex);
    this.recentIds.remember(chunk.toString('latin1', offset + 24, offset + 40), logIndex);
    return logIndex;
  }

  /** Makes every written record visible and wakes readers waiting for new events. */
  commit(): void {
    if (this.committed === this.length) return;
    this.committed = this.length;
    for (const listener of this.commitListeners) listener();
  }

  /** Drops the uncommitted records from `logIndex` on (a write failed, or its persistence did). */
  discardFrom(logIndex: number = this.committed): void {
    const keep = Math.max(logIndex, this.committed);
    for (let index = this.length - 1; index >= keep; index--) {
      this.streamAt(index).eventIndices.pop();
      this.recentIds.forget(recordIdKey(this.view(index)), index);
    }
    if (this.length > keep) {
      this.nextPosition = this.positionAt(keep);
      this.arena.truncate(this.locations.at(keep));
    }
    for (const column of [this.positions, this.locations, this.streamNumbers, this.typeNumbers]) column.truncate(keep);
  }

  /** Calls `listener` after each commit; returns the unsubscribe function. */
  onCommit(listener: () => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  positionAt(logIndex: number): number {
    return this.positions.at(logIndex);
  }

  streamAt(logIndex: number): StreamEntry {
    return this.streams.at(this.streamNumbers.at(logIndex));
  }

  /** Small dense number per distinct event type, so filters can remember their verdict per type. */
  typeNumberAt(logIndex: number): number {
    return this.typeNumbers.at(logIndex);
  }

  typeName(typeNumber: number): string {
    return this.typeNames[typeNumber] ?? '';
  }

  typeNumberOf(type: string): number | undefined {
    return this.typeNumberByName.get(type);
  }

  view(logIndex: number): EventRecordView {
    const { chunk, offset } = this.arena.bytesAt(this.locations.at(logIndex));
    return viewRecord(chunk, offset);
  }

  /** The stored bytes of one record (a view, not a copy), for the durable file. */
  recordBytes(logIndex: number): Buffer {
    const view = this.view(logIndex);
    return view.bytes.subarray(view.start, view.start + view.length);
  }

  /** First committed log index whose position is > `position` (or >= when `inclusive`). */
  firstIndexAfter(position: number, inclusive: boolean): number {
    let low = 0;
    let high = this.committed;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const candidate = this.positions.at(middle);
      if (candidate > position || (inclusive && candidate === position)) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  private internType(type: string): number {
    let number = this.typeNumberByName.get(type);
    if (number === undefined) {
      number = this.typeNames.length;
      this.typeNames.push(type);
      this.typeNumberByName.set(type, number);
    }
    return number;
  }
}
