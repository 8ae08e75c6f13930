import type { FastifyInstance } from 'fastify';
import { fulfillmentQueryRoutes } from './fulfillment/fulfillment-routes.ts';
import { inventoryQueryRoutes } from './inventory/inventory-routes.ts';
import { ordersQueryRoutes } from './orders/orders-routes.ts';
import { paymentsQueryRoutes } from './payments/payments-routes.ts';
import { productsQueryRoutes } from './products/products-routes.ts';
import type { QueryDependencies } from './query-dependencies.ts';

/** The GET routes of every read model (DESIGN §6), served from PostgreSQL only. */
export async function registerQueryApi(app: FastifyInstance, deps: QueryDependencies): Promise<void> {
  for (const routes of [ordersQueryRoutes, inventoryQueryRoutes, productsQueryRoutes, paymentsQueryRoutes, fulfillmentQueryRoutes]) {
    await app.register(routes, deps);
  }
}
