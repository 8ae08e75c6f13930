import type { FastifyInstance } from 'fastify';
import { serviceErrorHandler } from '../infra/http/error-handler.ts';
import { fulfillmentQueryRoutes } from './fulfillment/fulfillment-routes.ts';
import { inventoryQueryRoutes } from './inventory/inventory-routes.ts';
import { ordersQueryRoutes } from './orders/orders-routes.ts';
import { paymentsQueryRoutes } from './payments/payments-routes.ts';
import { productsQueryRoutes } from './products/products-routes.ts';
import type { QueryDependencies } from './query-dependencies.ts';
import { queryErrorAnswer } from './shared/query-errors.ts';

/** The GET routes of every read model (DESIGN §6), served from PostgreSQL only. */
export async function registerQueryApi(app: FastifyInstance, deps: QueryDependencies): Promise<void> {
  // One encapsulated context: its error handler answers the query API's errors, and passes any other on.
  await app.register(async (queries) => {
    queries.setErrorHandler(serviceErrorHandler(queryErrorAnswer));
    for (const routes of [ordersQueryRoutes, inventoryQueryRoutes, productsQueryRoutes, paymentsQueryRoutes, fulfillmentQueryRoutes]) {
      await queries.register(routes, deps);
    }
  });
}
