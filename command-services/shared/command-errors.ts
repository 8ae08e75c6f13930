import { isDomainError } from '../../domain/errors.ts';
import type { ErrorAnswer, ServiceErrorMapper } from '../../infra/http/error-handler.ts';
import { domainErrorStatus } from './domain-error-status.ts';
import { ConcurrencyConflictError } from './handle-command.ts';
import { CommandAbandonedError, CommandQueueFullError } from './one-writer-per-stream.ts';

/** A stream that kept changing usually settles within a second: retry then. */
const conflictRetryAfterSeconds = 1;

/**
 * How the command services' own errors answer: a broken business rule by its code's status, a
 * stream that kept changing as 409 `concurrency_conflict`, a stream with too many commands in line as
 * 503 `command_queue_full`. Everything else is the app's to answer.
 */
export const commandErrorAnswer: ServiceErrorMapper = (error): ErrorAnswer | undefined => {
  if (isDomainError(error)) {
    return { status: domainErrorStatus[error.code], body: { error: error.code, message: error.message } };
  }
  if (error instanceof ConcurrencyConflictError) {
    // Retry-After marks it as no decision: the idempotency plugin does not replay it to the retry.
    return {
      status: 409,
      body: { error: 'concurrency_conflict', message: `${error.message}; retry the request.` },
      retryAfter: conflictRetryAfterSeconds,
    };
  }
  if (error instanceof CommandQueueFullError) {
    return {
      status: 503,
      body: { error: 'command_queue_full', message: `Too many commands for this ${streamKind(error.streamName)} at once; retry later.` },
      retryAfter: conflictRetryAfterSeconds,
    };
  }
  if (error instanceof CommandAbandonedError) {
    // Nobody reads it: the client has gone. 499 (nginx's "client closed request") keeps it out of 5xx.
    return { status: 499, body: { error: 'client_closed_request', message: error.message } };
  }
  return undefined;
};

/** `product-A1` → `product`: the answer names the kind of stream, not its id. */
const streamKind = (streamName: string) => streamName.split('-')[0] ?? 'stream';
