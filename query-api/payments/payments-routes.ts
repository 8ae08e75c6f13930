import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { orderId } from '../../domain/shared/index.ts';
import { getPayment } from '../../projections/index.ts';
import type { QueryDependencies } from '../query-dependencies.ts';
import { found } from '../shared/not-found.ts';
import { position, queryErrorResponses, readModelHeaders, singleQuery } from '../shared/query-schemas.ts';

const payment = z
  .object({
    orderId: z.string(),
    status: z.enum(['authorized', 'declined', 'refunded']),
    amount: z.number().int().nullable(),
    currency: z.string().nullable(),
    position,
  })
  .meta({ id: 'Payment' });

/** The payments read model: the payment of an order. */
export const paymentsQueryRoutes: FastifyPluginAsyncZod<QueryDependencies> = async (app, { pool, readYourWrites }) => {
  app.get(
    '/payments/:orderId',
    {
      preHandler: readYourWrites('payments'),
      schema: {
        tags: ['payments'],
        summary: "An order's payment",
        params: z.strictObject({ orderId }),
        querystring: singleQuery,
        headers: readModelHeaders,
        response: { 200: payment, ...queryErrorResponses },
      },
    },
    async (request) => found(await getPayment(pool, request.params.orderId), 'payment', request.params.orderId),
  );
};
