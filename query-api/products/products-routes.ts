import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sku } from '../../domain/shared/index.ts';
import { getProduct, listProducts } from '../../projections/index.ts';
import type { QueryDependencies } from '../query-dependencies.ts';
import { found } from '../shared/not-found.ts';
import { listQuery, pageOf, position, queryErrorResponses, readModelHeaders, singleQuery } from '../shared/query-schemas.ts';

const product = z
  .object({ sku: z.string(), name: z.string(), price: z.number().int(), currency: z.string(), position })
  .meta({ id: 'Product' });

/** The products read model: the catalog. */
export const productsQueryRoutes: FastifyPluginAsyncZod<QueryDependencies> = async (app, { pool, readYourWrites }) => {
  app.get(
    '/products/:sku',
    {
      preHandler: readYourWrites('products'),
      schema: {
        tags: ['catalog'],
        summary: 'A product and its current price',
        params: z.strictObject({ sku }),
        querystring: singleQuery,
        headers: readModelHeaders,
        response: { 200: product, ...queryErrorResponses },
      },
    },
    async (request) => found(await getProduct(pool, request.params.sku), 'product', request.params.sku),
  );

  app.get(
    '/products',
    {
      preHandler: readYourWrites('products'),
      schema: {
        tags: ['catalog'],
        summary: 'The catalog, by sku',
        querystring: listQuery,
        headers: readModelHeaders,
        response: { 200: pageOf(product), ...queryErrorResponses },
      },
    },
    async (request) => listProducts(pool, { limit: request.query.limit, cursor: request.query.cursor }),
  );
};
