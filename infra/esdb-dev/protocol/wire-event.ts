import type { EventRecordView } from '../store/event-record.ts';

/**
 * Hand-written protobuf encoding of `ReadResp { event: ReadEvent }`, the one message reads and
 * subscriptions send per event. Stored bytes (stream name, type, data, metadata) are copied
 * straight from the log into the output, with no google-protobuf objects in between: this is
 * the hot path of reading a million events. Field numbers follow streams.proto / shared.proto.
 */
export type UuidForm = 'string' | 'structured';

const KEY_TYPE = Buffer.from('type');
const KEY_CONTENT_TYPE = Buffer.from('content-type');
const KEY_CREATED = Buffer.from('created');
const JSON_CONTENT_TYPE = Buffer.from('application/json');
const BINARY_CONTENT_TYPE = Buffer.from('application/octet-stream');
/** int64 max, the revision every tombstone (`$streamDeleted`) shows. */
const TOMBSTONE_REVISION_VARINT = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);

export interface WireEvent {
  event: EventRecordView | undefined;
  link: EventRecordView | undefined;
  /** Position of the record read from the log (the link's, when there is one). */
  commitPosition: number;
}

export function encodeReadEventResponse(message: WireEvent, uuidForm: UuidForm): Buffer {
  const event = message.event && new RecordedEventLayout(message.event, uuidForm);
  const link = message.link && new RecordedEventLayout(message.link, uuidForm);
  const readEventSize =
    (event ? fieldSize(event.size) : 0) + (link ? fieldSize(link.size) : 0) + 1 + varintSize(message.commitPosition);
  const out = Buffer.allocUnsafe(fieldSize(readEventSize));
  let at = writeTag(out, 0, 1, readEventSize);
  if (event) at = event.write(out, writeTag(out, at, 1, event.size));
  if (link) at = link.write(out, writeTag(out, at, 2, link.size));
  out[at++] = 0x18;
  writeVarint(out, at, message.commitPosition);
  return out;
}

class RecordedEventLayout {
  readonly size: number;
  private readonly id: Buffer;
  private readonly created: Buffer;
  private readonly contentType: Buffer;
  private readonly streamIdentifierSize: number;

  constructor(
    private readonly view: EventRecordView,
    uuidForm: UuidForm,
  ) {
    this.id = uuidForm === 'string' ? STRING_UUID_PLACEHOLDER : structuredUuid(view.bytes, view.idOffset);
    this.created = createdTicks(view.createdMs);
    this.contentType = view.isJson ? JSON_CONTENT_TYPE : BINARY_CONTENT_TYPE;
    this.streamIdentifierSize = view.streamLength > 0 ? fieldSize(view.streamLength) : 0;
    this.size =
      fieldSize(this.id.length) +
      fieldSize(this.streamIdentifierSize) +
      this.revisionSize() +
      2 * (1 + varintSize(view.position)) +
      fieldSize(mapEntrySize(KEY_TYPE.length, view.typeLength)) +
      fieldSize(mapEntrySize(KEY_CONTENT_TYPE.length, this.contentType.length)) +
      fieldSize(mapEntrySize(KEY_CREATED.length, this.created.length)) +
      (view.metadataLength > 0 ? fieldSize(view.metadataLength) : 0) +
      (view.dataLength > 0 ? fieldSize(view.dataLength) : 0);
  }

  write(out: Buffer, start: number): number {
    const view = this.view;
    let at = writeTag(out, start, 1, this.id.length);
    if (this.id === STRING_UUID_PLACEHOLDER) at = writeStringUuid(out, at, view.bytes, view.idOffset);
    else at += this.id.copy(out, at);
    at = writeTag(out, at, 2, this.streamIdentifierSize);
    if (view.streamLength > 0) at = copyField(out, writeTag(out, at, 3, view.streamLength), view, view.streamOffset, view.streamLength);
    out[at++] = 0x18;
    at = view.isTombstone ? at + TOMBSTONE_REVISION_VARINT.copy(out, at) : writeVarint(out, at, view.revision);
    out[at++] = 0x20;
    at = writeVarint(out, at, view.position);
    out[at++] = 0x28;
    at = writeVarint(out, at, view.position);
    at = writeMapEntry(out, at, KEY_TYPE, view.bytes, view.typeOffset, view.typeLength);
    at = writeMapEntry(out, at, KEY_CONTENT_TYPE, this.contentType, 0, this.contentType.length);
    at = writeMapEntry(out, at, KEY_CREATED, this.created, 0, this.created.length);
    if (view.metadataLength > 0) at = copyField(out, writeTag(out, at, 7, view.metadataLength), view, view.metadataOffset, view.metadataLength);
    if (view.dataLength > 0) at = copyField(out, writeTag(out, at, 8, view.dataLength), view, view.dataOffset, view.dataLength);
    return at;
  }

  private revisionSize(): number {
    return 1 + (this.view.isTombstone ? TOMBSTONE_REVISION_VARINT.length : varintSize(this.view.revision));
  }
}

/** A string-form UUID message is always 38 bytes: tag, length 36, canonical text (written in place). */
const STRING_UUID_PLACEHOLDER = Buffer.alloc(38);
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

function writeStringUuid(out: Buffer, start: number, bytes: Buffer, offset: number): number {
  out[start] = 0x12;
  out[start + 1] = 36;
  let at = start + 2;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out[at++] = 0x2d;
    const byte = bytes[offset + i] as number;
    out[at++] = HEX_DIGITS[byte >> 4] as number;
    out[at++] = HEX_DIGITS[byte & 0x0f] as number;
  }
  return at;
}

/** The structured form: `most_significant_bits = 1`, `least_significant_bits = 2`, int64 varints. */
function structuredUuid(bytes: Buffer, offset: number): Buffer {
  const halves = [bytes.readBigUInt64BE(offset), bytes.readBigUInt64BE(offset + 8)];
  const inner = Buffer.concat(halves.map((half, i) => Buffer.concat([Buffer.from([i === 0 ? 0x08 : 0x10]), bigVarint(half)])));
  return Buffer.concat([Buffer.from([0x0a, inner.length]), inner]);
}

/** `created` is .NET ticks (100 ns) as text; events of one write share it, so remember the last one. */
let lastCreated = { ms: Number.NaN, ticks: Buffer.alloc(0) };
function createdTicks(createdMs: number): Buffer {
  if (createdMs !== lastCreated.ms) {
    lastCreated = { ms: createdMs, ticks: Buffer.from(createdMs > 0 ? `${createdMs}0000` : '0', 'latin1') };
  }
  return lastCreated.ticks;
}

function bigVarint(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}

const mapEntrySize = (keyLength: number, valueLength: number) => fieldSize(keyLength) + fieldSize(valueLength);

function writeMapEntry(out: Buffer, start: number, key: Buffer, value: Buffer, valueOffset: number, valueLength: number) {
  let at = writeTag(out, start, 6, mapEntrySize(key.length, valueLength));
  at = writeTag(out, at, 1, key.length);
  at += key.copy(out, at);
  at = writeTag(out, at, 2, valueLength);
  return at + value.copy(out, at, valueOffset, valueOffset + valueLength);
}

function copyField(out: Buffer, at: number, view: EventRecordView, offset: number, length: number): number {
  return at + view.bytes.copy(out, at, offset, offset + length);
}

/** Tag byte + length of a length-delimited field (all field numbers used here are < 16). */
function writeTag(out: Buffer, at: number, fieldNumber: number, length: number): number {
  out[at] = (fieldNumber << 3) | 2;
  return writeVarint(out, at + 1, length);
}

/** Size of a length-delimited field with a one-byte tag. */
const fieldSize = (length: number) => 1 + varintSize(length) + length;

/** Varints of non-negative integers up to 2^53 (positions, revisions, lengths). */
function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

function writeVarint(out: Buffer, start: number, value: number): number {
  let at = start;
  let rest = value;
  while (rest >= 0x80) {
    out[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[at++] = rest;
  return at;
}
