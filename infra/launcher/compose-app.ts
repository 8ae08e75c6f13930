import type pg from 'pg';
import { Registry } from 'prom-client';
import { registerCommandServices } from '../../command-services/register-command-services.ts';
import { createCommandMetrics } from '../../command-services/shared/command-metrics.ts';
import { createIdempotencyStore } from '../../command-services/shared/idempotency/index.ts';
import type { ServiceName } from '../config.ts';
import type { EventStore } from '../event-store/index.ts';
import { buildApp, type App } from '../http/build-app.ts';
import { metricsPlugin } from '../http/metrics.ts';
import type { Logger } from '../logger.ts';
import { migrate } from '../postgres/migrations.ts';
import { coreMigrations } from '../postgres/migrations/index.ts';
import { pingDatabase } from '../postgres/pool.ts';

export interface ComposedApp {
  app: App;
  /** Background work to stop after HTTP and before the clients close. */
  stopWorkers: () => Promise<void>;
}

/**
 * Everything between connected clients and a ready app: migrations, the idempotency store, metrics
 * and the routes of the services this process runs. `npm start` and the HTTP tests both build the
 * app here, so the tests exercise exactly what runs.
 */
export async function composeApp(options: {
  logger: Logger;
  eventStore: EventStore;
  pool: pg.Pool;
  services: readonly ServiceName[];
}): Promise<ComposedApp> {
  const { logger, eventStore, pool } = options;
  await migrate(pool, coreMigrations, logger.child({ component: 'migrations' }));
  const idempotencyStore = createIdempotencyStore(pool, { logger: logger.child({ component: 'idempotency' }) });
  const stopPurging = idempotencyStore.startPurging();

  try {
    const registry = new Registry();
    const metrics = createCommandMetrics(registry);
    const app = await buildApp({
      logger,
      readinessChecks: { eventStore: () => eventStore.ping(), database: () => pingDatabase(pool) },
      registerServices: async (instance) => {
        await instance.register(metricsPlugin, { registry });
        await registerCommandServices(instance, options.services, { eventStore, metrics, idempotencyStore });
      },
    });
    return { app, stopWorkers: stopPurging };
  } catch (error) {
    await stopPurging();
    throw error;
  }
}
