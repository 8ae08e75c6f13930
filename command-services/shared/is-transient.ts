import { EventStoreUnavailableError } from '../../infra/event-store/index.ts';
import { isTransientDatabaseError } from '../../infra/subscriptions/transient-database-error.ts';
import { ConcurrencyConflictError } from './handle-command.ts';

/**
 * For reactions (`Reaction.isTransient`): true when a failure says nothing about the event, so the
 * runner retries it later instead of parking its key. The event store unreachable, a stream that kept
 * moving under every attempt, a transient database error, and an abort (the runner is stopping: the
 * event comes again on the next run). (A full command line is not among them: reactions have no limit.)
 */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof EventStoreUnavailableError ||
    error instanceof ConcurrencyConflictError ||
    isTransientDatabaseError(error) ||
    isAbort(error)
  );
}

const isAbort = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
