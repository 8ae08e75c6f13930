import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const CORRELATION_HEADER = 'x-correlation-id';

const acceptable = /^[\x21-\x7e]{1,128}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The flow this request belongs to: the caller's x-correlation-id, or this request's own id. */
    correlationId: string;
  }
}

/**
 * Every request has its own id (fastify's `request.id`, the causation id of what it appends) and a
 * correlation id shared by the whole flow: a caller may pass one to follow a flow across systems;
 * anything unusable is ignored, so a header can never put control characters into logs or event
 * metadata. Both are on every log line of the request and the correlation id is answered back.
 */
export const correlationIdPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('correlationId', '');
    app.addHook('onRequest', async (request, reply) => {
      const given = request.headers[CORRELATION_HEADER];
      request.correlationId = typeof given === 'string' && acceptable.test(given) ? given : request.id;
      // Both: fastify logs the completed request through the reply's logger.
      request.log = reply.log = request.log.child({ correlationId: request.correlationId });
      void reply.header(CORRELATION_HEADER, request.correlationId);
    });
  },
  { name: 'correlation-id' },
);
