import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { EventStoreUnavailableError } from '../event-store/index.ts';
import { DatabaseUnavailableError, isConnectionError } from '../postgres/database-unavailable.ts';
import type { ErrorEnvelope } from './error-envelope.ts';

/** Seconds a client should wait before retrying after a 503. */
const retryAfterSeconds = 2;

/** How one error answers: its status, its envelope and, for an answer that invites a retry, when. */
export interface ErrorAnswer {
  status: number;
  body: ErrorEnvelope;
  /** Sent as Retry-After. An answer carrying it is not final, so an idempotent request does not keep it. */
  retryAfter?: number;
}

/** A service's own errors and how they answer; undefined for an error that is not the service's. */
export type ServiceErrorMapper = (error: FastifyError) => ErrorAnswer | undefined;

/**
 * The error handler of a service plugin (`app.setErrorHandler(serviceErrorHandler(mapper))`): the
 * service maps its own errors, and passes any other one on to the app's handler by throwing it, as
 * fastify's encapsulated error handlers do. So infra/ knows no service error, and a service no other's.
 */
export function serviceErrorHandler(mapper: ServiceErrorMapper) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const answer = mapper(error);
    if (!answer) throw error;
    return send(answer, { error, request, reply });
  };
}

/**
 * The app's own error handler: what every route can meet (validation, fastify's reading of the request,
 * the event store or the database not answering) and, last, the 500 of a bug. Every error becomes one
 * envelope and one status (CONVENTIONS §6); nothing a client sends may produce a 5xx.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
    send(appErrorAnswer(error), { error, request, reply }),
  );

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'route_not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` }),
  );
}

function send(answer: ErrorAnswer, { error, request, reply }: { error: FastifyError; request: FastifyRequest; reply: FastifyReply }) {
  if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ error: answer.body.error, status: answer.status }, answer.body.message);
  if (answer.retryAfter !== undefined) void reply.header('retry-after', String(answer.retryAfter));
  return reply.code(answer.status).send(answer.body);
}

function appErrorAnswer(error: FastifyError): ErrorAnswer {
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
function fastifyClientError(error: FastifyError): ErrorAnswer | undefined {
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

const unavailable = (error: string, message: string): ErrorAnswer => ({
  status: 503,
  body: { error, message },
  retryAfter: retryAfterSeconds,
});
