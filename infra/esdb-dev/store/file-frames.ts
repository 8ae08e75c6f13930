import { crc32 } from 'node:zlib';
import { viewRecord } from './event-record.ts';

/**
 * Framing of the durable file. Each write's records form one frame:
 *   payload length u32 | CRC-32 of payload u32 | payload = (record length u32 | record)*
 * (little-endian). A frame is all-or-nothing on recovery, so a crash mid-append never
 * resurrects half of an append, and a torn or corrupt frame is recognised by its length or CRC.
 */
export const FRAME_HEADER_SIZE = 8;
/** Far above any legal write (appends are capped at 1 MiB); a larger length means corruption. */
export const MAX_FRAME_PAYLOAD = 256 * 1024 * 1024;

export function encodeFrames(groups: Buffer[][]): Buffer {
  let total = 0;
  for (const records of groups) {
    total += FRAME_HEADER_SIZE;
    for (const record of records) total += 4 + record.length;
  }
  const out = Buffer.allocUnsafe(total);
  let cursor = 0;
  for (const records of groups) {
    const payloadStart = cursor + FRAME_HEADER_SIZE;
    let offset = payloadStart;
    for (const record of records) {
      out.writeUInt32LE(record.length, offset);
      record.copy(out, offset + 4);
      offset += 4 + record.length;
    }
    out.writeUInt32LE(offset - payloadStart, cursor);
    out.writeUInt32LE(crc32(out.subarray(payloadStart, offset)), cursor + 4);
    cursor = offset;
  }
  return out;
}

export type FrameCheck = { ok: true; records: Buffer[] } | { ok: false; reason: string };

/** Validates one frame's payload against its CRC and splits it into records. */
export function decodeFramePayload(payload: Buffer, expectedCrc: number): FrameCheck {
  if (crc32(payload) !== expectedCrc) return { ok: false, reason: 'CRC mismatch' };
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < payload.length) {
    if (offset + 4 > payload.length) return { ok: false, reason: 'truncated record length' };
    const length = payload.readUInt32LE(offset);
    const end = offset + 4 + length;
    if (end > payload.length) return { ok: false, reason: 'record longer than its frame' };
    const record = payload.subarray(offset + 4, end);
    try {
      if (viewRecord(record, 0).length !== length) return { ok: false, reason: 'record length mismatch' };
    } catch {
      return { ok: false, reason: 'malformed record' };
    }
    records.push(record);
    offset = end;
  }
  return records.length > 0 ? { ok: true, records } : { ok: false, reason: 'empty frame' };
}
