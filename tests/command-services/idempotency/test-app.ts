import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idempotencyPlugin, type IdempotencyStore } from '../../../command-services/shared/idempotency/index.ts';
import type { Logger } from '../../../infra/logger.ts';
import { DatabaseUnavailableError } from '../../../infra/postgres/database-unavailable.ts';

/** What the test routes did, so tests can count how often a command really ran. */
export interface Invocations {
  count: number;
  /** Answers the `/flaky` route gives before it succeeds. */
  flakyFailures: number;
}

/**
 * A small app with the real plugin and store: `POST /things/:id` creates (201 with Location and
 * ES-Position, slow enough that concurrent duplicates overlap), `POST /flaky/:id` answers 503 while
 * `flakyFailures` lasts, `POST /conflict` always refuses with 409, `POST /busy` answers a transient 409
 * (retry), `POST /plain/:id` does not opt in.
 * Each body carries a fresh random `answerId`, so a replay is told from a second run.
 */
export function buildTestApp(options: { store: IdempotencyStore; logger: Logger; waitMs?: number; handlerMs?: number }) {
  const invocations: Invocations = { count: 0, flakyFailures: 0 };
  const app = Fastify({ loggerInstance: options.logger }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // What the lead's error handler does with it.
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof DatabaseUnavailableError) {
      return reply.code(503).header('retry-after', '2').send({ error: 'database_unavailable', message: error.message });
    }
    return reply.code(500).send({ error: 'internal_error', message: String(error) });
  });
  app.register(idempotencyPlugin, { store: options.store, ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }) });

  const params = z.strictObject({ id: z.string().min(1) });
  const body = z.strictObject({ quantity: z.number().int(), note: z.string().optional() });
  const created = z.strictObject({
    id: z.string(),
    answerId: z.string(),
    idempotency: z.strictObject({ key: z.string(), idSeed: z.string(), mayHaveRunBefore: z.boolean() }).nullable(),
  });
  const error = z.strictObject({ error: z.string(), message: z.string() });

  app.register(async (routes) => {
    const typed = routes.withTypeProvider<ZodTypeProvider>();
    typed.post(
      '/things/:id',
      { config: { idempotent: true }, schema: { params, body, response: { 201: created } } },
      async (request, reply) => {
        invocations.count++;
        await sleep(options.handlerMs ?? 50);
        return reply
          .code(201)
          .header('location', `/things/${request.params.id}`)
          .header('es-position', String(1000 + invocations.count))
          .send({ id: request.params.id, answerId: crypto.randomUUID(), idempotency: request.idempotency });
      },
    );
    typed.post(
      '/flaky/:id',
      { config: { idempotent: true }, schema: { params, body, response: { 201: created, 503: error } } },
      async (request, reply) => {
        invocations.count++;
        if (invocations.flakyFailures-- > 0) throw new DatabaseUnavailableError();
        return reply.code(201).send({ id: request.params.id, answerId: crypto.randomUUID(), idempotency: request.idempotency });
      },
    );
    typed.post('/conflict', { config: { idempotent: true }, schema: { body, response: { 409: error } } }, async (_request, reply) => {
      invocations.count++;
      return reply.code(409).send({ error: 'already_done', message: `refused ${crypto.randomUUID()}` });
    });
    typed.post('/busy', { config: { idempotent: true }, schema: { body, response: { 409: error } } }, async (_request, reply) => {
      invocations.count++;
      // As the command services answer a stream that kept changing: Retry-After says it is no decision.
      return reply.code(409).header('retry-after', '1').send({ error: 'concurrency_conflict', message: 'retry the request' });
    });
    typed.post('/plain/:id', { schema: { params, body, response: { 201: created } } }, async (request, reply) => {
      invocations.count++;
      return reply.code(201).send({ id: request.params.id, answerId: crypto.randomUUID(), idempotency: request.idempotency });
    });
  });
  return { app, invocations };
}
