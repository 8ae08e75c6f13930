/**
 * The one binary form of a stored event: kept in memory (in the byte arena) and written
 * as is to the durable file, so a restart restores exactly the bytes that were served.
 *
 * Layout (little-endian): position f64 | revision f64 | createdMs f64 | id 16 bytes |
 * flags u8 | stream length u32 | type length u32 | metadata length u32 | data length u32 |
 * stream UTF-8 | type UTF-8 | metadata | data.
 */
export const HEADER_SIZE = 57;

const FLAG_JSON = 1;
const FLAG_TOMBSTONE = 2;

export interface EventRecordInput {
  position: number;
  /** The event's ordinal in its stream (a tombstone still gets one; the wire shows it as int64 max). */
  revision: number;
  createdMs: number;
  /** 16 bytes, canonical big-endian UUID. */
  id: Uint8Array;
  isJson: boolean;
  isTombstone: boolean;
  streamName: string;
  type: string;
  metadata: Uint8Array;
  data: Uint8Array;
}

/** Where each field of one stored record sits inside `bytes`. */
export interface EventRecordView {
  bytes: Buffer;
  start: number;
  length: number;
  position: number;
  revision: number;
  createdMs: number;
  idOffset: number;
  isJson: boolean;
  isTombstone: boolean;
  streamOffset: number;
  streamLength: number;
  typeOffset: number;
  typeLength: number;
  metadataOffset: number;
  metadataLength: number;
  dataOffset: number;
  dataLength: number;
}

export function encodedRecordSize(input: EventRecordInput): number {
  return (
    HEADER_SIZE +
    Buffer.byteLength(input.streamName) +
    Buffer.byteLength(input.type) +
    input.metadata.length +
    input.data.length
  );
}

/** Writes `input` at `offset` of `target`, which must have `encodedRecordSize(input)` bytes free. */
export function encodeRecord(input: EventRecordInput, target: Buffer, offset: number): void {
  const streamLength = Buffer.byteLength(input.streamName);
  const typeLength = Buffer.byteLength(input.type);
  target.writeDoubleLE(input.position, offset);
  target.writeDoubleLE(input.revision, offset + 8);
  target.writeDoubleLE(input.createdMs, offset + 16);
  target.set(input.id, offset + 24);
  target.writeUInt8((input.isJson ? FLAG_JSON : 0) | (input.isTombstone ? FLAG_TOMBSTONE : 0), offset + 40);
  target.writeUInt32LE(streamLength, offset + 41);
  target.writeUInt32LE(typeLength, offset + 45);
  target.writeUInt32LE(input.metadata.length, offset + 49);
  target.writeUInt32LE(input.data.length, offset + 53);
  let cursor = offset + HEADER_SIZE;
  cursor += target.write(input.streamName, cursor, 'utf8');
  cursor += target.write(input.type, cursor, 'utf8');
  target.set(input.metadata, cursor);
  target.set(input.data, cursor + input.metadata.length);
}

/**
 * Reads the header at `start`. Throws RangeError when the lengths do not fit in `limit`
 * bytes, which is how a corrupt record in the durable file is recognised.
 */
export function viewRecord(bytes: Buffer, start: number, limit = bytes.length): EventRecordView {
  if (start + HEADER_SIZE > limit) throw new RangeError('truncated event record header');
  const flags = bytes.readUInt8(start + 40);
  const streamLength = bytes.readUInt32LE(start + 41);
  const typeLength = bytes.readUInt32LE(start + 45);
  const metadataLength = bytes.readUInt32LE(start + 49);
  const dataLength = bytes.readUInt32LE(start + 53);
  const streamOffset = start + HEADER_SIZE;
  const typeOffset = streamOffset + streamLength;
  const metadataOffset = typeOffset + typeLength;
  const dataOffset = metadataOffset + metadataLength;
  const end = dataOffset + dataLength;
  if (end > limit) throw new RangeError('truncated event record body');
  return {
    bytes,
    start,
    length: end - start,
    position: bytes.readDoubleLE(start),
    revision: bytes.readDoubleLE(start + 8),
    createdMs: bytes.readDoubleLE(start + 16),
    idOffset: start + 24,
    isJson: (flags & FLAG_JSON) !== 0,
    isTombstone: (flags & FLAG_TOMBSTONE) !== 0,
    streamOffset,
    streamLength,
    typeOffset,
    typeLength,
    metadataOffset,
    metadataLength,
    dataOffset,
    dataLength,
  };
}

export const recordStreamName = (view: EventRecordView) =>
  view.bytes.toString('utf8', view.streamOffset, view.streamOffset + view.streamLength);
export const recordType = (view: EventRecordView) =>
  view.bytes.toString('utf8', view.typeOffset, view.typeOffset + view.typeLength);
export const recordData = (view: EventRecordView) =>
  view.bytes.subarray(view.dataOffset, view.dataOffset + view.dataLength);
export const recordMetadata = (view: EventRecordView) =>
  view.bytes.subarray(view.metadataOffset, view.metadataOffset + view.metadataLength);
/** The id as a 16-character latin1 string: a compact, exact key for id lookups. */
export const recordIdKey = (view: EventRecordView) => view.bytes.toString('latin1', view.idOffset, view.idOffset + 16);
