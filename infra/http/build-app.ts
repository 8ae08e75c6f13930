import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from '../logger.ts';
import { healthRoutes, type ReadinessChecks } from './health-routes.ts';

export interface AppDependencies {
  logger: Logger;
  /** Probes of what the app needs to serve (eventStore, database); the app knows no concrete client. */
  readinessChecks: ReadinessChecks;
}

/**
 * Builds the HTTP app without listening: the launcher listens and closes it, tests `inject()` into it.
 * Routes declare zod schemas, which validate requests, serialize responses and later feed /docs.
 */
export function buildApp(deps: AppDependencies) {
  const app = Fastify({ loggerInstance: deps.logger }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.register(healthRoutes, { checks: deps.readinessChecks });
  return app;
}

export type App = ReturnType<typeof buildApp>;
