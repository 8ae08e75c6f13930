import { status, type ServerErrorResponse } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ProtocolError, statusError, unavailable } from '../protocol/errors.ts';
import { WritesUnavailableError } from '../write/write-queue.ts';

/**
 * The status to answer for anything a handler threw: protocol violations carry their own,
 * storage that cannot take writes is UNAVAILABLE (the client reconnects and retries), and a
 * bug is logged and answered INTERNAL rather than crashing the process.
 */
export function failureResponse(error: unknown, logger: Logger): ServerErrorResponse {
  if (error instanceof ProtocolError) return error.response;
  if (error instanceof WritesUnavailableError) return unavailable(error.message);
  logger.error({ err: error }, 'esdb-dev: handler failed');
  return statusError(status.INTERNAL, `esdb-dev internal error: ${error instanceof Error ? error.message : String(error)}`);
}
