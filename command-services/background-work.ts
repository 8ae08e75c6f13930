import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { ServiceName } from '../infra/config.ts';
import type { ReadinessDetails } from '../infra/http/health-routes.ts';
import type { Logger } from '../infra/logger.ts';
import type { Migration } from '../infra/postgres/migrations.ts';
import {
  startProjectionRunner,
  startReactionRunner,
  type AllSource,
  type ProjectionMetrics,
  type Reaction,
  type SubscriptionRunner,
} from '../infra/subscriptions/index.ts';
import type { Projection } from '../projections/projection.ts';
import { deadlineIndexMigrations, deadlineIndexProjection } from './fulfillment/deadline-index.ts';
import { startDeadlineScheduler, type DeadlineScheduler } from './fulfillment/deadline-scheduler.ts';
import { deadlineFirer } from './fulfillment/fire-deadline.ts';
import { createFulfillmentSaga } from './fulfillment/fulfillment-saga.ts';
import { registerSagaMetrics } from './fulfillment/saga-metrics.ts';
import { createStockRequestsReaction } from './inventory/stock-requests.ts';
import { createOrderVerdictsReaction } from './orders/order-verdicts.ts';
import {
  createPaymentRequestsReaction,
  createResilientPaymentProvider,
  createSimulatedGateway,
  simulatedGatewayMigrations,
} from './payments/index.ts';
import type { CommandDependencies } from './shared/command-dependencies.ts';

/** Tables the command services keep for themselves; every process migrates them, whatever it runs. */
export const commandServiceMigrations: readonly Migration[] = [...deadlineIndexMigrations, ...simulatedGatewayMigrations];

/** Subscription groups the background work of these services runs (each holds one connection for its lock). */
export function backgroundGroupCount(services: readonly ServiceName[]): number {
  const perService: Partial<Record<ServiceName, number>> = { inventory: 1, orders: 1, payments: 1, fulfillment: 2 };
  return services.reduce((count, service) => count + (perService[service] ?? 0), 0);
}

export interface BackgroundWorkOptions {
  services: readonly ServiceName[];
  deps: CommandDependencies;
  /** Where the runners subscribe to `$all` (the process's shared tail; default: each its own subscription). */
  source?: AllSource;
  /** Connections for the runners and the scheduler (each runner holds its lock on one). */
  pool: pg.Pool;
  logger: Logger;
  registry: Registry;
  metrics: ProjectionMetrics;
  /** FULFILLMENT_TIMEOUT_MS. */
  fulfillmentTimeoutMs: number;
  /** PAYMENT_SLOW_MS, for the simulated gateway's `tok_slow`. */
  paymentSlowMs: number;
}

export interface BackgroundWork {
  /** Every subscription runner started, by group name. */
  runners: ReadonlyMap<string, SubscriptionRunner>;
  /** The reactions this process runs (for /projections and its retry). */
  reactions: readonly Reaction[];
  /** The services' own projections this process runs (the saga's due-time index). */
  projections: readonly Projection[];
  readinessDetails: ReadinessDetails;
  stop(): Promise<void>;
}

/**
 * What each command service does without being asked over HTTP (DESIGN §4): inventory, orders and
 * payments answer the saga's requests; fulfillment runs the saga, its due-time index and the
 * scheduler that fires due deadlines. Each reaction is one subscription group with one active
 * worker across every process that runs its service.
 */
export function startBackgroundWork(options: BackgroundWorkOptions): BackgroundWork {
  const { services, deps, source, pool, logger, registry, metrics } = options;
  const reactions: Reaction[] = [];
  const projections: Projection[] = [];
  const readinessDetails: ReadinessDetails = {};
  let scheduler: DeadlineScheduler | undefined;

  if (services.includes('inventory')) reactions.push(createStockRequestsReaction(deps));
  if (services.includes('orders')) reactions.push(createOrderVerdictsReaction(deps));
  if (services.includes('payments')) {
    const provider = createResilientPaymentProvider(createSimulatedGateway(pool, { slowMs: options.paymentSlowMs }), {
      registry,
      logger: logger.child({ component: 'payment-provider' }),
      // Slow payments must not hold up the others: the bulkhead is wide, the breaker does the protecting.
      maxConcurrent: 256,
      callTimeoutMs: Math.max(10_000, options.paymentSlowMs + 5_000),
    });
    readinessDetails.paymentProvider = () => ({ ...provider.status() });
    reactions.push(createPaymentRequestsReaction({ ...deps, provider, logger }));
  }
  if (services.includes('fulfillment')) {
    reactions.push(createFulfillmentSaga({ deps, timeoutMs: options.fulfillmentTimeoutMs }));
    projections.push(deadlineIndexProjection);
    scheduler = startDeadlineScheduler({ pool, logger: logger.child({ component: 'deadline-scheduler' }), fire: deadlineFirer(deps) });
    registerSagaMetrics(registry, {
      pool,
      logger,
      stalledAfterMs: Math.max(60_000, 2 * options.fulfillmentTimeoutMs),
    });
  }

  const runners = new Map<string, SubscriptionRunner>([
    ...reactions.map((reaction) => [reaction.name, startReactionRunner({ reaction, eventStore: deps.eventStore, source, pool, logger, metrics })] as const),
    ...projections.map(
      (projection) =>
        [projection.name, startProjectionRunner({ projection, eventStore: deps.eventStore, source, pool, logger: logger.child({ projection: projection.name }), metrics })] as const,
    ),
  ]);
  return {
    runners,
    reactions,
    projections,
    readinessDetails,
    stop: async () => {
      await scheduler?.stop();
      await Promise.all([...runners.values()].map((runner) => runner.stop()));
    },
  };
}
