import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDomainError } from '../../domain/errors.ts';
import { domainErrorStatus } from '../../command-services/shared/domain-error-status.ts';
import { ConcurrencyConflictError } from '../../command-services/shared/handle-command.ts';
import { doNotStoreAnswer } from '../../command-services/shared/idempotency/index.ts';
import { EventStoreUnavailableError } from '../event-store/index.ts';
import { DatabaseUnavailableError, isConnectionError } from '../postgres/database-unavailable.ts';
import { InvalidCursorError } from '../../projections/index.ts';
import { ResourceNotFoundError } from '../../query-api/shared/not-found.ts';
import { ReadModelBehindError } from '../../query-api/read-your-writes/wait-for-read-model.ts';
import type { ErrorEnvelope } from './error-envelope.ts';

/** Seconds a client should wait before retrying after a 503. */
const retryAfterSeconds = 2;

interface Answer {
  status: number;
  body: ErrorEnvelope;
  retryAfter?: number;
}

/**
 * Every error, whatever raised it, becomes one envelope and one status here (CONVENTIONS §6).
 * Nothing a client sends may produce a 5xx: a 500 means a bug, and is logged as one.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const answer = toAnswer(error, request);
    if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ error: answer.body.error, status: answer.status }, answer.body.message);
    if (answer.retryAfter !== undefined) void reply.header('retry-after', String(answer.retryAfter));
    return reply.code(answer.status).send(answer.body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'route_not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` }),
  );
}

function toAnswer(error: FastifyError, request: FastifyRequest): Answer {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'request';
    return {
      status: 400,
      body: {
        error: 'validation_failed',
        message: `Invalid request ${where}: see details.`,
        details: error.validation.map((issue) => ({
          path: [where, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
          message: issue.message ?? 'is not valid',
        })),
      },
    };
  }
  if (isDomainError(error)) {
    return { status: domainErrorStatus[error.code], body: { error: error.code, message: error.message } };
  }
  if (error instanceof ResourceNotFoundError) return { status: 404, body: { error: error.code, message: error.message } };
  if (error instanceof InvalidCursorError) {
    return {
      status: 400,
      body: { error: 'validation_failed', message: error.message, details: [{ path: 'querystring.cursor', message: error.message }] },
    };
  }
  if (error instanceof ReadModelBehindError) {
    return { status: 504, body: { error: 'read_model_behind', message: error.message }, retryAfter: 1 };
  }
  if (error instanceof ConcurrencyConflictError) {
    // An answer that invites a retry must not be replayed to that retry.
    doNotStoreAnswer(request);
    return { status: 409, body: { error: 'concurrency_conflict', message: `${error.message}; retry the request.` } };
  }
  if (error instanceof EventStoreUnavailableError) {
    return unavailable('event_store_unavailable', 'The event store is not answering; retry later.');
  }
  if (error instanceof DatabaseUnavailableError || isConnectionError(error)) {
    return unavailable('database_unavailable', 'The database is not answering; retry later.');
  }
  const fromFastify = fastifyClientError(error);
  if (fromFastify) return fromFastify;
  return { status: 500, body: { error: 'internal_error', message: 'Something went wrong on our side.' } };
}

/** Errors fastify raises while reading a request (bad JSON, wrong content type, oversize body…). */
function fastifyClientError(error: FastifyError): Answer | undefined {
  const status = error.statusCode ?? 500;
  if (status >= 500 || status < 400) return undefined;
  const code = knownFastifyCodes[error.code] ?? 'bad_request';
  return { status, body: { error: code, message: error.message } };
}

const knownFastifyCodes: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
};

const unavailable = (error: string, message: string): Answer => ({
  status: 503,
  body: { error, message },
  retryAfter: retryAfterSeconds,
});
