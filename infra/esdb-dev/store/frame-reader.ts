import { FRAME_HEADER_SIZE, MAX_FRAME_PAYLOAD, decodeFramePayload } from './file-frames.ts';
import { HEADER_SIZE as RECORD_HEADER_SIZE, viewRecord } from './event-record.ts';

const READ_CHUNK = 16 * 1024 * 1024;

export type FrameAt = { ok: true; records: Buffer[]; end: number } | { ok: false; reason: string };

/** What lies after a damaged frame: the first intact frame, if any, and the events of every intact frame. */
export interface AfterDamage {
  firstIntactAt: number | undefined;
  intactEvents: number;
}

/** Reads the event file's frames in order through a large window, so a million frames are not two million syscalls. */
export class FrameReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly readAt: (position: number, length: number) => Promise<Buffer>,
    readonly size: number,
  ) {}

  /** The frame starting at `offset`, checked against its length and CRC. */
  async frameAt(offset: number): Promise<FrameAt> {
    const header = await this.read(offset, FRAME_HEADER_SIZE);
    if (!header) return { ok: false, reason: 'truncated frame header' };
    const payloadLength = header.readUInt32LE(0);
    if (payloadLength > MAX_FRAME_PAYLOAD) return { ok: false, reason: 'implausible frame length' };
    const payload = await this.read(offset + FRAME_HEADER_SIZE, payloadLength);
    if (!payload) return { ok: false, reason: 'truncated frame' };
    const frame = decodeFramePayload(payload, header.readUInt32LE(4));
    return frame.ok ? { ...frame, end: offset + FRAME_HEADER_SIZE + payloadLength } : frame;
  }

  /**
   * Looks past a damaged frame for intact ones. Its own length may be the damaged part, so every later
   * byte is a candidate start; a cheap look at the first record's lengths rules out almost all of them
   * before a CRC is computed, and from an intact frame on, frames are followed end to end.
   */
  async scanAfterDamage(damagedAt: number): Promise<AfterDamage> {
    let firstIntactAt: number | undefined;
    let intactEvents = 0;
    let offset = damagedAt + 1;
    while (offset + FRAME_HEADER_SIZE + 4 + RECORD_HEADER_SIZE <= this.size) {
      const frame = (await this.looksLikeFrame(offset)) ? await this.frameAt(offset) : undefined;
      if (!frame?.ok) {
        offset++;
        continue;
      }
      firstIntactAt ??= offset;
      intactEvents += frame.records.length;
      offset = frame.end;
    }
    return { firstIntactAt, intactEvents };
  }

  private async looksLikeFrame(offset: number): Promise<boolean> {
    const head = await this.read(offset, FRAME_HEADER_SIZE + 4 + RECORD_HEADER_SIZE);
    if (!head) return false;
    const payloadLength = head.readUInt32LE(0);
    const recordLength = head.readUInt32LE(FRAME_HEADER_SIZE);
    if (payloadLength > this.size - offset - FRAME_HEADER_SIZE || recordLength + 4 > payloadLength) return false;
    const recordStart = FRAME_HEADER_SIZE + 4;
    try {
      return viewRecord(head, recordStart, recordStart + recordLength).length === recordLength;
    } catch {
      return false;
    }
  }

  /** The `length` bytes at `position`, or undefined when the file ends first. */
  private async read(position: number, length: number): Promise<Buffer | undefined> {
    if (position + length > this.size) return undefined;
    const windowEnd = this.windowStart + this.window.length;
    if (position < this.windowStart || position + length > windowEnd) {
      this.window = await this.readAt(position, Math.min(Math.max(READ_CHUNK, length), this.size - position));
      this.windowStart = position;
      if (this.window.length < length) return undefined;
    }
    const start = position - this.windowStart;
    return this.window.subarray(start, start + length);
  }
}
