import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { productDecider, productEvent, productStream } from '../../domain/product/index.ts';
import { currency, price, productName, sku } from '../../domain/shared/index.ts';
import type { CommandDependencies } from '../shared/command-dependencies.ts';
import { commandErrorResponses } from '../../infra/http/error-envelope.ts';
import { wirePosition as position } from '../../infra/http/position-schema.ts';
import { handleCommand } from '../shared/handle-command.ts';
import { withPosition } from '../shared/position-reply.ts';
import { commandContextOf } from '../shared/request-context.ts';

const decodeProductEvent = (event: { type: string; data: unknown }) => productEvent.parse(event);

/** The catalog: products and their prices, one `product-{sku}` stream each. */
export const catalogRoutes: FastifyPluginAsyncZod<CommandDependencies> = async (app, deps) => {
  app.post(
    '/products',
    {
      config: { idempotent: true },
      schema: {
        tags: ['catalog'],
        summary: 'Add a product to the catalog',
        body: z.strictObject({ sku, name: productName, price, currency }),
        response: { 201: z.object({ sku, position }), ...commandErrorResponses },
      },
    },
    async (request, reply) => {
      const outcome = await handleCommand(deps, {
        decider: productDecider,
        decode: decodeProductEvent,
        streamName: productStream(request.body.sku),
        command: { type: 'AddProduct', data: request.body },
        context: commandContextOf(request),
      });
      return reply
        .code(201)
        .header('location', `/products/${request.body.sku}`)
        .send(withPosition(reply, outcome.position, { sku: request.body.sku }));
    },
  );

  app.post(
    '/products/:sku/price',
    {
      config: { idempotent: true },
      schema: {
        tags: ['catalog'],
        summary: "Change a product's price",
        params: z.strictObject({ sku }),
        body: z.strictObject({ price }),
        response: { 200: z.object({ sku, price, position }), ...commandErrorResponses },
      },
    },
    async (request, reply) => {
      const { sku: productSku } = request.params;
      const outcome = await handleCommand(deps, {
        decider: productDecider,
        decode: decodeProductEvent,
        streamName: productStream(productSku),
        command: { type: 'ChangeProductPrice', data: { sku: productSku, price: request.body.price } },
        context: commandContextOf(request),
      });
      return withPosition(reply, outcome.position, { sku: productSku, price: request.body.price });
    },
  );
};
