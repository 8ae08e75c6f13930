import type { FastifyInstance } from 'fastify';
import type { ServiceName } from '../infra/config.ts';
import { serviceErrorHandler } from '../infra/http/error-handler.ts';
import { catalogRoutes } from './catalog/catalog-routes.ts';
import { inventoryRoutes } from './inventory/inventory-routes.ts';
import { ordersRoutes } from './orders/orders-routes.ts';
import type { CommandDependencies } from './shared/command-dependencies.ts';
import { commandErrorAnswer } from './shared/command-errors.ts';
import { idempotencyPlugin, type IdempotencyStore } from './shared/idempotency/index.ts';

const routesOf = { catalog: catalogRoutes, inventory: inventoryRoutes, orders: ordersRoutes } as const;

/**
 * Registers the command routes of the services this process runs. Payments has no HTTP surface: it
 * acts on the saga's PaymentRequested events, which arrive with the saga.
 */
export async function registerCommandServices(
  app: FastifyInstance,
  services: readonly ServiceName[],
  deps: CommandDependencies & { idempotencyStore: IdempotencyStore },
): Promise<void> {
  // One encapsulated context: its error handler answers the command services' errors, and passes any
  // other on to the app's.
  await app.register(async (commands) => {
    commands.setErrorHandler(serviceErrorHandler(commandErrorAnswer));
    // Before the routes: a plugin's hooks only reach routes registered after it.
    await commands.register(idempotencyPlugin, { store: deps.idempotencyStore });
    for (const service of services) {
      if (service in routesOf) await commands.register(routesOf[service as keyof typeof routesOf], deps);
    }
  });
}
