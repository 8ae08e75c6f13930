import type { StreamIdentifier, UUID } from './generated.ts';
import { missingRequiredMetadata, ProtocolError, reject } from './errors.ts';
import { isNilUuid, parseUuid, uuidFromHalves } from './uuid.ts';
import type { ExpectedRevision } from '../write/expected-revision.ts';
import type { ProposedEvent } from '../write/write-request.ts';

/** Stream names are opaque UTF-8 bytes on the wire. */
export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  const bytes = identifier?.getStreamName_asU8();
  if (!bytes || bytes.length === 0) reject('A stream name is required.');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** uint64 fields arrive as decimal strings (jstype = JS_STRING). */
export function parseUint64(text: string, what: string): bigint {
  if (!/^\d{1,20}$/.test(text) || BigInt(text) >= 2n ** 64n) reject(`Invalid ${what}: ${text}`);
  return BigInt(text);
}

/** A uint64 as an ordering key: exact below 2^53, and anything above compares as "beyond". */
export const uint64AsNumber = (text: string, what: string) => Number(parseUint64(text, what));

/**
 * The `expected_stream_revision` oneof, numbered alike in Append, Delete, Tombstone and
 * BatchAppend options: 2 revision, 3 no_stream, 4 any, 5 stream_exists.
 */
export function expectedRevisionOf(oneofCase: number, revision: () => string): ExpectedRevision {
  switch (oneofCase) {
    case 2:
      return { kind: 'exact', revision: parseUint64(revision(), 'expected revision') };
    case 3:
      return { kind: 'no_stream' };
    case 4:
      return { kind: 'any' };
    case 5:
      return { kind: 'stream_exists' };
    default:
      return reject('An expected stream revision is required.');
  }
}

export function uuidOf(uuid: UUID | undefined): Buffer {
  let bytes: Buffer | undefined;
  if (uuid?.hasString()) bytes = parseUuid(uuid.getString());
  const structured = uuid?.getStructured();
  if (structured) bytes = uuidFromHalves(structured.getMostSignificantBits(), structured.getLeastSignificantBits());
  if (!bytes) reject('Event id is not a valid UUID.');
  if (isNilUuid(bytes)) reject('Event id must not be empty.');
  return bytes;
}

/** The fields AppendReq.ProposedMessage and BatchAppendReq.ProposedMessage share. */
interface ProposedMessage {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getCustomMetadata_asU8(): Uint8Array;
  getData_asU8(): Uint8Array;
}

export function proposedEventOf(message: ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined || contentType === undefined) throw new ProtocolError(missingRequiredMetadata());
  if (type === '') reject('Event type must not be empty.');
  return {
    id: uuidOf(message.getId()),
    type,
    // The server keeps only a JSON flag: any other content type reads back as octet-stream.
    isJson: contentType === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

/** How the real server counts an event against the 1 MiB append limit. */
export const proposedEventSize = (event: ProposedEvent) =>
  event.data.length + event.metadata.length + 2 * Buffer.byteLength(event.type);
