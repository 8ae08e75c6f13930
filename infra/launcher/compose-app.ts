import type pg from 'pg';
import { Registry } from 'prom-client';
import { backgroundGroupCount, commandServiceMigrations, startBackgroundWork } from '../../command-services/background-work.ts';
import { registerCommandServices } from '../../command-services/register-command-services.ts';
import { createCommandMetrics } from '../../command-services/shared/command-metrics.ts';
import { createIdempotencyStore } from '../../command-services/shared/idempotency/index.ts';
import { StreamStateCache } from '../../command-services/shared/stream-state-cache.ts';
import { liveSettings, loadConfig, type LiveSettings, type ServiceName } from '../config.ts';
import type { EventStore } from '../event-store/index.ts';
import { buildApp, type App } from '../http/build-app.ts';
import { metricsPlugin } from '../http/metrics.ts';
import type { Logger } from '../logger.ts';
import { migrate } from '../postgres/migrations.ts';
import { coreMigrations } from '../postgres/migrations/index.ts';
import { pingDatabase } from '../postgres/pool.ts';
import { allProjections, projectionMigrations } from '../../projections/index.ts';
import {
  createProjectionMetrics,
  createSharedTail,
  registerSharedTailMetrics,
  startProjectionRunner,
  type SubscriptionRunner,
} from '../subscriptions/index.ts';
import { CheckpointWatcher } from '../../query-api/read-your-writes/checkpoint-watcher.ts';
import { readYourWrites } from '../../query-api/read-your-writes/wait-for-read-model.ts';
import { projectionsRoutes } from '../../query-api/projections/projections-routes.ts';
import { registerQueryApi } from '../../query-api/register-query-api.ts';
import { createLiveUpdates } from '../../query-api/live/live-updates.ts';

export interface ComposedApp {
  app: App;
  /** Background work to stop after HTTP and before the clients close. */
  stopWorkers: () => Promise<void>;
}

/**
 * Everything between connected clients and a ready app: migrations, the idempotency store, metrics,
 * the routes of the services this process runs and, with `projections`, one runner per read model. `npm start` and the HTTP tests both build the
 * app here, so the tests exercise exactly what runs.
 */
export async function composeApp(options: {
  logger: Logger;
  eventStore: EventStore;
  pool: pg.Pool;
  /** Connections for the projection runners (each holds its lock on one); default: `pool`. */
  workerPool?: pg.Pool;
  services: readonly ServiceName[];
  /** HTTP_REQUEST_TIMEOUT_MS (default 30 s). */
  requestTimeoutMs?: number;
  /** Longest a GET waits for its ES-Min-Position before answering 504. */
  readYourWritesTimeoutMs?: number;
  /**
   * Whether the services answer events (the saga, and the reactions to its requests); default true.
   * Tests of HTTP commands alone turn it off: reactions would replay the whole shared test log.
   */
  reactions?: boolean;
  /** FULFILLMENT_TIMEOUT_MS (default 30 s). */
  fulfillmentTimeoutMs?: number;
  /** PAYMENT_SLOW_MS (default 3 s). */
  paymentSlowMs?: number;
  /** COMMAND_QUEUE_LIMIT (default 1000): HTTP commands in line per stream before 503. */
  commandQueueLimit?: number;
  /** LIVE_* (default: the configuration's defaults). */
  live?: LiveSettings;
}): Promise<ComposedApp> {
  const { logger, eventStore, pool } = options;
  // On the worker pool: a migration may wait for another process's migration lock longer than a request may.
  await migrate(options.workerPool ?? pool, [...coreMigrations, ...projectionMigrations, ...commandServiceMigrations], logger.child({ component: 'migrations' }));
  const idempotencyStore = createIdempotencyStore(pool, { logger: logger.child({ component: 'idempotency' }) });
  const stopPurging = idempotencyStore.startPurging();
  const registry = new Registry();
  const projectionMetrics = createProjectionMetrics(registry, { headPosition: () => eventStore.headPosition() });
  // Every runner of this process reads one `$all` subscription: each event is received and parsed once.
  const tail = createSharedTail({ eventStore, logger: logger.child({ component: 'shared-tail' }) });
  registerSharedTailMetrics(registry, tail);
  const runners = new Map<string, SubscriptionRunner>(
    options.services.includes('projections')
      ? allProjections.map((projection) => [
          projection.name,
          startProjectionRunner({
            projection,
            eventStore,
            source: tail,
            pool: options.workerPool ?? pool,
            logger: logger.child({ projection: projection.name }),
            metrics: projectionMetrics,
          }),
        ])
      : [],
  );
  // HTTP commands and reactions share one cache: a saga step often follows the request that wrote its stream.
  const commandDeps = { eventStore, metrics: createCommandMetrics(registry), streamStates: new StreamStateCache(50_000) };
  const background = startBackgroundWork({
    services: options.reactions === false ? [] : options.services,
    deps: commandDeps,
    source: tail,
    pool: options.workerPool ?? pool,
    logger,
    registry,
    metrics: projectionMetrics,
    fulfillmentTimeoutMs: options.fulfillmentTimeoutMs ?? 30_000,
    paymentSlowMs: options.paymentSlowMs ?? 3_000,
  });
  for (const [name, runner] of background.runners) runners.set(name, runner);
  const checkpoints = options.services.includes('query')
    ? new CheckpointWatcher(pool, logger.child({ component: 'checkpoint-watcher' }))
    : undefined;
  const live = options.services.includes('query')
    ? createLiveUpdates({ ...(options.live ?? liveSettings(loadConfig({}))), pool, registry, logger: logger.child({ component: 'live' }) })
    : undefined;
  const stopWorkers = async () => {
    await background.stop();
    await Promise.all([...runners.values()].map((runner) => runner.stop()));
    await tail.close();
    await checkpoints?.stop();
    await live?.stop();
    await stopPurging();
  };

  try {
    const app = await buildApp({
      logger,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      readinessChecks: {
        eventStore: () => eventStore.ping(),
        database: () => pingDatabase(pool),
        ...(runners.size > 0 ? { subscriptions: async () => runnersConnected(runners) } : {}),
      },
      readinessDetails: background.readinessDetails,
      registerServices: async (instance) => {
        await instance.register(metricsPlugin, { registry });
        await registerCommandServices(instance, options.services, {
          ...commandDeps,
          idempotencyStore,
          // Clients only: a reaction is not a flood, and is paced by its runner.
          queueLimit: options.commandQueueLimit ?? 1_000,
        });
        if (checkpoints) {
          await registerQueryApi(instance, {
            pool,
            readYourWrites: readYourWrites({
              watcher: checkpoints,
              timeoutMs: options.readYourWritesTimeoutMs ?? 5_000,
              headPosition: () => eventStore.headPosition(),
            }),
          });
          if (live) await live.routes(instance);
          await instance.register(projectionsRoutes, {
            pool,
            eventStore,
            projections: [...allProjections, ...background.projections],
            reactions: background.reactions,
            runners,
            logger,
          });
        }
      },
    });
    return { app, stopWorkers };
  } catch (error) {
    await stopWorkers();
    throw error;
  }
}

/**
 * Connections the runners of these services need: each holds one for its advisory lock (a standby's
 * waits on it), and each commit takes another for its transaction; a few more for the deadline
 * scheduler and the payment gateway. Too few, and every commit queues behind the locks.
 */
export function workerPoolSize(services: readonly ServiceName[]): number {
  const groups = (services.includes('projections') ? allProjections.length : 0) + backgroundGroupCount(services);
  return 2 * groups + 4;
}

/** Ready only while every runner of this process follows its subscription (a standby waiting for the lock is fine). */
function runnersConnected(runners: ReadonlyMap<string, SubscriptionRunner>): void {
  const down = [...runners].filter(([, runner]) => ['disconnected', 'stopped'].includes(runner.status().state));
  if (down.length > 0) throw new Error(`subscription runners not following $all: ${down.map(([name]) => name).join(', ')}`);
}
