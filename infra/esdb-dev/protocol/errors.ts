import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';

/**
 * gRPC failures as the real server reports them (protocol §10). The client picks its error
 * class from the `exception` trailer and reads companion keys without checking them, so a
 * missing key becomes a TypeError in the client: every key listed here is required.
 */
export function statusError(code: status, details: string, trailers: Record<string, string> = {}): ServerErrorResponse {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

export const MAX_APPEND_SIZE = 1024 * 1024;

export const streamDeleted = (stream: string) =>
  statusError(status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': stream,
  });

/**
 * Delete and Tombstone report a conflict as an error status (Append answers in-band).
 * Versions are int64 text: a revision, or -2 any, -1 no stream, -4 stream exists.
 */
export const deleteWrongExpectedVersion = (stream: string, expectedVersion: string, actualVersion: number) =>
  statusError(
    status.FAILED_PRECONDITION,
    `Delete failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${expectedVersion}, Actual version: ${actualVersion}`,
    {
      exception: 'wrong-expected-version',
      'stream-name': stream,
      'expected-version': expectedVersion,
      'actual-version': String(actualVersion),
    },
  );

export const maximumAppendSizeExceeded = () =>
  statusError(status.INVALID_ARGUMENT, `Maximum Append Size of ${MAX_APPEND_SIZE} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(MAX_APPEND_SIZE),
  });

export const missingRequiredMetadata = () =>
  statusError(status.INVALID_ARGUMENT, 'Required metadata properties are missing: type, content-type.', {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': 'type,content-type',
  });

export const invalidArgument = (details: string) => statusError(status.INVALID_ARGUMENT, details);

export const unavailable = (details: string) => statusError(status.UNAVAILABLE, details);

/** A request that does not follow the protocol; carries the status to answer with. */
export class ProtocolError extends Error {
  constructor(readonly response: ServerErrorResponse) {
    super(response.details ?? response.message);
  }
}

/** Throws INVALID_ARGUMENT: for parsing helpers deep inside a handler. */
export function reject(details: string): never {
  throw new ProtocolError(invalidArgument(details));
}
