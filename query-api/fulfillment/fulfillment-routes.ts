import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { orderId } from '../../domain/shared/index.ts';
import { getFulfillment } from '../../projections/index.ts';
import type { QueryDependencies } from '../query-dependencies.ts';
import { found } from '../shared/not-found.ts';
import { position, queryErrorResponses, readModelHeaders, singleQuery } from '../shared/query-schemas.ts';

const fulfillment = z
  .object({
    orderId: z.string(),
    state: z.enum(['reserving_stock', 'awaiting_payment', 'confirming', 'compensating', 'confirmed', 'rejected', 'cancelled']),
    deadline: z.string().nullable(),
    steps: z.array(
      z
        .looseObject({ type: z.string(), at: z.string(), position })
        .describe("One saga event: its type, time and position, plus that step's own fields"),
    ),
    position,
  })
  .meta({ id: 'Fulfillment' });

/** The fulfillment read model: one order's saga timeline. */
export const fulfillmentQueryRoutes: FastifyPluginAsyncZod<QueryDependencies> = async (app, { pool, readYourWrites }) => {
  app.get(
    '/fulfillment/:orderId',
    {
      preHandler: readYourWrites('fulfillment'),
      schema: {
        tags: ['fulfillment'],
        summary: "An order's fulfillment saga, step by step",
        params: z.strictObject({ orderId }),
        querystring: singleQuery,
        headers: readModelHeaders,
        response: { 200: fulfillment, ...queryErrorResponses },
      },
    },
    async (request) => found(await getFulfillment(pool, request.params.orderId), 'fulfillment', request.params.orderId),
  );
};
