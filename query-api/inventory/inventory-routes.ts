import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sku } from '../../domain/shared/index.ts';
import { getInventory, listInventory } from '../../projections/index.ts';
import type { QueryDependencies } from '../query-dependencies.ts';
import { found } from '../shared/not-found.ts';
import { listQuery, pageOf, position, queryErrorResponses, readModelHeaders, singleQuery } from '../shared/query-schemas.ts';

const stock = z
  .object({
    sku: z.string(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int().describe('onHand − reserved'),
    position,
  })
  .meta({ id: 'Stock' });

/** The inventory read model: stock per sku. */
export const inventoryQueryRoutes: FastifyPluginAsyncZod<QueryDependencies> = async (app, { pool, readYourWrites }) => {
  app.get(
    '/inventory/:sku',
    {
      preHandler: readYourWrites('inventory'),
      schema: {
        tags: ['inventory'],
        summary: "A sku's stock",
        params: z.strictObject({ sku }),
        querystring: singleQuery,
        headers: readModelHeaders,
        response: { 200: stock, ...queryErrorResponses },
      },
    },
    async (request) => found(await getInventory(pool, request.params.sku), 'stock', request.params.sku),
  );

  app.get(
    '/inventory',
    {
      preHandler: readYourWrites('inventory'),
      schema: {
        tags: ['inventory'],
        summary: 'Stock of every sku, by sku',
        querystring: listQuery,
        headers: readModelHeaders,
        response: { 200: pageOf(stock), ...queryErrorResponses },
      },
    },
    async (request) => listInventory(pool, { limit: request.query.limit, cursor: request.query.cursor }),
  );
};
