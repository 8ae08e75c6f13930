import { constants } from 'node:fs';
import { copyFile, mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { RecordSink } from '../write/write-queue.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { encodeFrames } from './file-frames.ts';
import { FrameReader } from './frame-reader.ts';

/** The file inside the data folder. */
export const EVENT_FILE_NAME = 'events.esdbdev';
const MAGIC = Buffer.from('ESDBDEV1', 'latin1');
/** Room for one append at its largest (1 MiB) and its framing. */
const ROOM_CHECK_BYTES = 1024 * 1024 + 64 * 1024;

export interface DurableFileOptions {
  dataDir: string;
  /** Receives every record of every intact frame, in order. */
  restore: (record: Buffer) => void;
  logger: Logger;
  /** Cut a file damaged before its last write at the damage, after keeping a copy (`--repair`). */
  repair?: boolean;
  /** For tests: wraps the file's handle (to fail writes as a full disk does). */
  wrap?: ((handle: FileHandle) => FileHandle) | undefined;
}

/**
 * The append-only event file behind `--data-dir`. Opening replays every intact frame into
 * `restore`. A damaged last frame is a torn tail (a crash left it half-written, it was never
 * acknowledged) and is cut. Damage with intact frames after it is not: those frames were
 * acknowledged, so opening refuses, unless asked to repair.
 */
export class DurableFile implements RecordSink {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private readonly unlock: () => Promise<void>,
  ) {}

  /** Where the last acknowledged frame ends; anything past it was never acknowledged. */
  private intactEnd = 0;
  /** A write failed part-way: bytes past `intactEnd` may be on disk. */
  private tailUncertain = false;

  static async open(options: DurableFileOptions): Promise<DurableFile> {
    await mkdir(options.dataDir, { recursive: true });
    const unlock = await lockDataDir(options.dataDir);
    const path = join(options.dataDir, EVENT_FILE_NAME);
    let handle: FileHandle | undefined;
    try {
      // 'a+': reads anywhere, every write lands at the end of the file.
      handle = await open(path, 'a+');
      const file = new DurableFile(options.wrap ? options.wrap(handle) : handle, path, unlock);
      await file.replay(options);
      file.intactEnd = (await handle.stat()).size;
      return file;
    } catch (error) {
      await handle?.close();
      await unlock();
      throw error;
    }
  }

  async append(groups: Buffer[][]): Promise<void> {
    const bytes = encodeFrames(groups);
    await this.writeAtEnd(bytes);
    this.intactEnd += bytes.length;
  }

  /**
   * Whether there is room for a write again (after one failed): writes a max-size append's worth of
   * zeros and cuts them off again. Zeros a crash leaves behind are a torn tail, cut on the next start.
   */
  async checkRoom(): Promise<void> {
    try {
      await this.writeAtEnd(Buffer.alloc(ROOM_CHECK_BYTES));
    } finally {
      await this.cutBackToIntactEnd();
    }
  }

  /**
   * A failed write (ENOSPC, EIO) may leave part of its bytes behind; they are cut before anything
   * else is written, or the next intact frame would follow a damaged one and the file would refuse
   * to open.
   */
  private async writeAtEnd(bytes: Buffer): Promise<void> {
    if (this.tailUncertain) await this.cutBackToIntactEnd();
    this.tailUncertain = true;
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
    // Acknowledged means durable: the reply waits for this.
    await this.handle.datasync();
    this.tailUncertain = false;
  }

  private async cutBackToIntactEnd(): Promise<void> {
    await this.handle.truncate(this.intactEnd);
    await this.handle.datasync();
    this.tailUncertain = false;
  }

  async close(): Promise<void> {
    await this.handle.close();
    await this.unlock();
  }

  private async replay({ restore, logger, repair }: DurableFileOptions): Promise<void> {
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
    let damage: string | undefined;
    const reader = new FrameReader((position, length) => this.readAt(position, length), size);
    while (offset < size) {
      const frame = await reader.frameAt(offset);
      if (!frame.ok) {
        damage = frame.reason;
        break;
      }
      for (const record of frame.records) restore(record);
      frames++;
      offset = frame.end;
    }
    if (damage) {
      const after = await reader.scanAfterDamage(offset);
      if (after.firstIntactAt === undefined) {
        logger.warn({ path: this.path, offset, cutBytes: size - offset, reason: damage }, 'esdb-dev: cutting torn tail of the event file');
      } else {
        if (!repair) throw new Error(damagedFileMessage({ path: this.path, offset, damage, ...after }));
        const copy = `${this.path}.corrupt-${new Date().toISOString().replaceAll(':', '-')}`;
        await copyFile(this.path, copy, constants.COPYFILE_EXCL);
        logger.error(
          { path: this.path, copy, damagedAt: offset, reason: damage, droppedBytes: size - offset, droppedEvents: after.intactEvents },
          'esdb-dev: event file repaired: cut at the damage, a copy of the original kept',
        );
      }
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

function damagedFileMessage(damage: { path: string; offset: number; damage: string; firstIntactAt?: number; intactEvents: number }): string {
  return (
    `${damage.path} is damaged at byte ${damage.offset} (${damage.damage}), and intact writes follow from byte ` +
    `${damage.firstIntactAt}: this is not a torn tail, so esdb-dev refuses to start rather than drop acknowledged events. ` +
    `To cut the file at byte ${damage.offset}, dropping the damaged write and ${damage.intactEvents} intact events after it, ` +
    `start esdb-dev once with --repair (npm run esdb-dev -- --data-dir ${dirname(damage.path)} --repair, then stop it): ` +
    'it keeps a copy of the file first.'
  );
}
