import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commandErrorAnswer } from '../../command-services/shared/command-errors.ts';
import { ConcurrencyConflictError } from '../../command-services/shared/handle-command.ts';
import { EventStoreUnavailableError } from '../../infra/event-store/index.ts';
import { buildApp, type App } from '../../infra/http/build-app.ts';
import { serviceErrorHandler } from '../../infra/http/error-handler.ts';
import { createLogger } from '../../infra/logger.ts';

/**
 * A service maps its own errors in its plugin's error handler and passes every other one on to the
 * app's, which knows none of the services' errors: one service's error never becomes another's answer.
 */
describe('a service plugin with its own error handler, in the app', () => {
  let app: App;
  beforeAll(async () => {
    app = await buildApp({
      logger: createLogger({ level: 'silent' }),
      readinessChecks: {},
      registerServices: async (root: FastifyInstance) => {
        await root.register(async (service) => {
          service.setErrorHandler(serviceErrorHandler(commandErrorAnswer));
          const typed = service.withTypeProvider<ZodTypeProvider>();
          typed.post('/conflict', async () => {
            throw new ConcurrencyConflictError('product-X', 5);
          });
          typed.post('/store-down', async () => {
            throw new EventStoreUnavailableError('connection refused');
          });
          typed.post('/validated', { schema: { body: z.strictObject({ quantity: z.number().int() }) } }, async () => ({}));
        });
        root.post('/outside', async () => {
          throw new ConcurrencyConflictError('product-X', 5);
        });
      },
    });
  });
  afterAll(() => app?.close());

  const post = (url: string, payload: object = {}) => app.inject({ method: 'POST', url, payload });

  it('answers the service’s own error as the service maps it: a conflict is 409 with Retry-After', async () => {
    const answer = await post('/conflict');
    expect({ status: answer.statusCode, retryAfter: answer.headers['retry-after'], body: answer.json() }).toEqual({
      status: 409,
      retryAfter: '1',
      body: { error: 'concurrency_conflict', message: expect.stringContaining('retry the request') },
    });
  });

  it('passes what the service does not map on to the app: a store down is 503, bad input 400', async () => {
    const down = await post('/store-down');
    expect({ status: down.statusCode, retryAfter: down.headers['retry-after'], error: down.json().error }).toEqual({
      status: 503,
      retryAfter: '2',
      error: 'event_store_unavailable',
    });
    const invalid = await post('/validated', { quantity: 'many' });
    expect({ status: invalid.statusCode, error: invalid.json().error }).toEqual({ status: 400, error: 'validation_failed' });
  });

  it('leaves a service’s error thrown outside its plugin to the app, which knows no service error: 500', async () => {
    const answer = await post('/outside');
    expect({ status: answer.statusCode, body: answer.json() }).toEqual({
      status: 500,
      body: { error: 'internal_error', message: 'Something went wrong on our side.' },
    });
  });
});
