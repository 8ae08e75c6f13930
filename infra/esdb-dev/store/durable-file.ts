import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RecordSink } from '../write/write-queue.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { FRAME_HEADER_SIZE, MAX_FRAME_PAYLOAD, decodeFramePayload, encodeFrames } from './file-frames.ts';

/** The file inside the data folder. */
export const EVENT_FILE_NAME = 'events.esdbdev';
const MAGIC = Buffer.from('ESDBDEV1', 'latin1');
const READ_CHUNK = 16 * 1024 * 1024;

/**
 * The append-only event file behind `--data-dir`. Opening replays every intact frame into
 * `restore` and cuts a torn or corrupt tail (the frames a crash left half-written, which were
 * never acknowledged), so nothing after the last intact frame is ever served.
 */
export class DurableFile implements RecordSink {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private readonly unlock: () => Promise<void>,
  ) {}

  static async open(dataDir: string, restore: (record: Buffer) => void, logger: Logger): Promise<DurableFile> {
    await mkdir(dataDir, { recursive: true });
    const unlock = await lockDataDir(dataDir);
    const path = join(dataDir, EVENT_FILE_NAME);
    let handle: FileHandle | undefined;
    try {
      // 'a+': reads anywhere, every write lands at the end of the file.
      handle = await open(path, 'a+');
      const file = new DurableFile(handle, path, unlock);
      await file.replay(restore, logger);
      return file;
    } catch (error) {
      await handle?.close();
      await unlock();
      throw error;
    }
  }

  async append(groups: Buffer[][]): Promise<void> {
    const bytes = encodeFrames(groups);
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
    // Acknowledged means durable: the reply waits for this.
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
    await this.unlock();
  }

  private async replay(restore: (record: Buffer) => void, logger: Logger): Promise<void> {
    const { size } = await this.handle.stat();
    if (size < MAGIC.length) {
      // A new file, or one a crash cut before its header was complete.
      await this.handle.truncate(0);
      await this.handle.write(MAGIC);
      await this.handle.sync();
      return;
    }
    const header = await this.readAt(0, MAGIC.length);
    if (!header.equals(MAGIC)) throw new Error(`${this.path} is not an esdb-dev event file`);

    let offset = MAGIC.length;
    let frames = 0;
    let cutReason: string | undefined;
    const reader = new ChunkedReader((position, length) => this.readAt(position, length), size);
    while (offset < size) {
      const frameHeader = await reader.read(offset, FRAME_HEADER_SIZE);
      if (!frameHeader) { cutReason = 'truncated frame header'; break; }
      const payloadLength = frameHeader.readUInt32LE(0);
      if (payloadLength > MAX_FRAME_PAYLOAD) { cutReason = 'implausible frame length'; break; }
      const payload = await reader.read(offset + FRAME_HEADER_SIZE, payloadLength);
      if (!payload) { cutReason = 'truncated frame'; break; }
      const frame = decodeFramePayload(payload, frameHeader.readUInt32LE(4));
      if (!frame.ok) { cutReason = frame.reason; break; }
      for (const record of frame.records) restore(record);
      frames++;
      offset += FRAME_HEADER_SIZE + payloadLength;
    }
    if (cutReason) {
      logger.warn({ path: this.path, offset, cutBytes: size - offset, reason: cutReason }, 'esdb-dev: cutting torn tail of the event file');
      await this.handle.truncate(offset);
      await this.handle.sync();
    }
    logger.info({ path: this.path, frames, bytes: offset }, 'esdb-dev: event file replayed');
  }

  private async readAt(position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.handle.read(buffer, filled, length - filled, position + filled);
      if (bytesRead === 0) return buffer.subarray(0, filled);
      filled += bytesRead;
    }
    return buffer;
  }
}

/** Sequential reads through a large window, so replaying a million frames is not two million syscalls. */
class ChunkedReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly readAt: (position: number, length: number) => Promise<Buffer>,
    private readonly size: number,
  ) {}

  /** The `length` bytes at `position`, or undefined when the file ends first. */
  async read(position: number, length: number): Promise<Buffer | undefined> {
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
