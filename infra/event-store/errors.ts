import {
  ErrorType,
  isCommandError,
  type StreamDeletedError as ClientStreamDeletedError,
  type WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import { status as grpcStatus } from '@grpc/grpc-js';

/** Another writer moved the stream since we read it: re-run the command on fresh state. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: string,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamName} is at ${String(actual)}, expected ${expected}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The event store did not answer in time or could not be reached: the caller may retry later. */
export class EventStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/** The stream was tombstoned: it can never be read or written again. */
export class StreamDeletedError extends Error {
  constructor(readonly streamName: string) {
    super(`stream ${streamName} is deleted`);
    this.name = 'StreamDeletedError';
  }
}

/** A stored event did not match the schema it was read with: a bug or a missing upcaster. */
export class EventDecodingError extends Error {
  constructor(
    readonly streamName: string,
    readonly revision: bigint,
    readonly eventType: string,
    options?: { cause?: unknown },
  ) {
    super(`event ${streamName}@${revision} (${eventType}) does not match its schema`, options);
    this.name = 'EventDecodingError';
  }
}

const unreachable = new Set<ErrorType>([
  ErrorType.UNAVAILABLE,
  ErrorType.CANCELLED,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
]);

// Raw gRPC statuses the client sometimes lets through unconverted (e.g. when the very first
// call of a channel cannot connect): cancelled, deadline exceeded, unavailable.
const unreachableGrpcCodes = new Set([grpcStatus.CANCELLED, grpcStatus.DEADLINE_EXCEEDED, grpcStatus.UNAVAILABLE]);

const isUnreachableGrpcError = (error: Error): boolean =>
  'code' in error && typeof error.code === 'number' && 'metadata' in error && unreachableGrpcCodes.has(error.code);

/** Translates the client's errors into ours, so no client type leaks past the adapter. */
export function toEventStoreError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (isUnreachableGrpcError(error)) {
    return new EventStoreUnavailableError(`event store unavailable: ${error.message}`, { cause: error });
  }
  if (!isCommandError(error)) return error;
  if (error.type === ErrorType.WRONG_EXPECTED_VERSION) {
    const wev = error as ClientWrongExpectedVersionError;
    return new WrongExpectedRevisionError(wev.streamName, String(wev.expectedVersion), wev.actualVersion);
  }
  if (error.type === ErrorType.STREAM_DELETED) {
    return new StreamDeletedError((error as ClientStreamDeletedError).streamName);
  }
  if (unreachable.has(error.type)) {
    return new EventStoreUnavailableError(`event store unavailable: ${error.message}`, { cause: error });
  }
  return error;
}
