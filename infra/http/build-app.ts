import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from '../logger.ts';
import { registerApiDocs } from './api-docs.ts';
import { correlationIdPlugin } from './correlation-id.ts';
import { registerErrorHandler } from './error-handler.ts';
import { healthRoutes, type ReadinessChecks, type ReadinessDetails } from './health-routes.ts';

/** Larger than any valid command (an order of 100 lines is ~10 KB), small enough to refuse abuse early. */
const bodyLimitBytes = 256 * 1024;

/** HTTP_REQUEST_TIMEOUT_MS's default: far above any answer (reads and appends have their own bounds). */
const defaultRequestTimeoutMs = 30_000;

export interface AppDependencies {
  logger: Logger;
  /** Probes of what the app needs to serve (eventStore, database); the app knows no concrete client. */
  readinessChecks: ReadinessChecks;
  /** State shown on /health/ready that never fails it (the payment provider's circuit). */
  readinessDetails?: ReadinessDetails;
  /**
   * Longest a client may take to send a whole request, then 408 (fastify's requestTimeout; 0: no bound):
   * a client that trickles its request cannot hold a socket for ever. Default 30 s.
   */
  requestTimeoutMs?: number;
  /** Registers the service plugins selected by SERVICES (command routes, later query routes). */
  registerServices?: (app: FastifyInstance) => Promise<void>;
}

/**
 * Builds the HTTP app without listening: the launcher listens and closes it, tests `inject()` into it.
 * Routes declare zod schemas, which validate requests, serialize responses and feed /docs.
 */
export async function buildApp(deps: AppDependencies) {
  const app = Fastify({
    // Typed as fastify's logger so plugins and helpers take a plain FastifyInstance.
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: bodyLimitBytes,
    requestTimeout: deps.requestTimeoutMs ?? defaultRequestTimeoutMs,
    genReqId: () => randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(correlationIdPlugin);
  // Commands speak JSON only: text/plain would reach the schema as a string; say 415 instead.
  app.removeContentTypeParser('text/plain');

  registerErrorHandler(app);
  await registerApiDocs(app);
  await app.register(healthRoutes, {
    checks: deps.readinessChecks,
    ...(deps.readinessDetails ? { details: deps.readinessDetails } : {}),
  });
  await deps.registerServices?.(app);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
