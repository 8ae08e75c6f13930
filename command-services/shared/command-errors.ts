import { isDomainError } from '../../domain/errors.ts';
import type { ErrorAnswer, ServiceErrorMapper } from '../../infra/http/error-handler.ts';
import { domainErrorStatus } from './domain-error-status.ts';
import { ConcurrencyConflictError } from './handle-command.ts';

/** A stream that kept changing usually settles within a second: retry then. */
const conflictRetryAfterSeconds = 1;

/**
 * How the command services' own errors answer: a broken business rule by its code's status, a
 * stream that kept changing as 409 `concurrency_conflict`. Everything else is the app's to answer.
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
  return undefined;
};
