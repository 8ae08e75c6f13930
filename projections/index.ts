import type { Migration } from '../infra/postgres/migrations.ts';
import { fulfillmentProjection } from './fulfillment/fulfillment-projection.ts';
import { inventoryProjection } from './inventory/inventory-projection.ts';
import { ordersProjection } from './orders/orders-projection.ts';
import { paymentsProjection } from './payments/payments-projection.ts';
import type { Projection } from './projection.ts';
import { productsProjection } from './products/products-projection.ts';

export type { Change, ProjectedEvent, Projection, SqlStatement } from './projection.ts';
export type { Page, Queryable } from './shared/page.ts';
export { InvalidCursorError, MAX_PAGE_SIZE } from './shared/page.ts';
export { changedFulfillments, countSagas, getFulfillment, listFulfillments, type FulfillmentView, type SagaCounts } from './fulfillment/queries.ts';
export { changedInventory, getInventory, listInventory, type InventoryView } from './inventory/queries.ts';
export { changedOrders, getOrder, listOrders, type ListOrdersOptions, type OrderStatus, type OrderView } from './orders/queries.ts';
export { getPayment, listPayments, type PaymentView } from './payments/queries.ts';
export { getProduct, listProducts, type ProductView } from './products/queries.ts';

/** Every read model the runner keeps up to date; names are unique (they name checkpoints). */
export const allProjections: readonly Projection[] = [
  productsProjection,
  inventoryProjection,
  ordersProjection,
  paymentsProjection,
  fulfillmentProjection,
];

/**
 * Every projection's tables, for the live schema. Ids carry the projection's name as a prefix,
 * so they never collide with each other or with the core migrations.
 */
export const projectionMigrations: readonly Migration[] = allProjections.flatMap((projection) => projection.migrations);
