import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { customerId, orderId } from '../../domain/shared/index.ts';
import { getOrder, listOrders } from '../../projections/index.ts';
import type { QueryDependencies } from '../query-dependencies.ts';
import { found } from '../shared/not-found.ts';
import { listQuery, pageOf, position, queryErrorResponses, readModelHeaders, singleQuery } from '../shared/query-schemas.ts';

const orderStatus = z.enum(['placed', 'confirmed', 'rejected', 'cancelled']);

const order = z
  .object({
    orderId: z.string(),
    customerId: z.string(),
    status: orderStatus,
    reason: z.string().nullable(),
    lines: z.array(z.object({ sku: z.string(), quantity: z.number().int(), unitPrice: z.number().int() })),
    total: z.number().int(),
    currency: z.string(),
    placedAt: z.string(),
    updatedAt: z.string(),
    history: z.array(z.object({ status: z.string(), reason: z.string().nullable(), at: z.string(), position })),
    position,
  })
  .meta({ id: 'Order' });

/** The orders read model: an order with its history, and orders by customer and status, newest first. */
export const ordersQueryRoutes: FastifyPluginAsyncZod<QueryDependencies> = async (app, { pool, readYourWrites }) => {
  app.get(
    '/orders/:orderId',
    {
      preHandler: readYourWrites('orders'),
      schema: {
        tags: ['orders'],
        summary: 'An order, its status and history',
        params: z.strictObject({ orderId }),
        querystring: singleQuery,
        headers: readModelHeaders,
        response: { 200: order, ...queryErrorResponses },
      },
    },
    async (request) => found(await getOrder(pool, request.params.orderId), 'order', request.params.orderId),
  );

  app.get(
    '/orders',
    {
      preHandler: readYourWrites('orders'),
      schema: {
        tags: ['orders'],
        summary: 'Orders, newest first, by customer and status',
        querystring: listQuery.extend({ customerId: customerId.optional(), status: orderStatus.optional() }),
        headers: readModelHeaders,
        response: { 200: pageOf(order), ...queryErrorResponses },
      },
    },
    async (request) => {
      const { customerId: customer, status, limit, cursor } = request.query;
      return listOrders(pool, { customerId: customer, status, limit, cursor });
    },
  );
};
