import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { productNotFound } from '../../domain/product/errors.ts';
import { quantity, sku } from '../../domain/shared/index.ts';
import type { CommandDependencies } from '../shared/command-dependencies.ts';
import { commandErrorResponses } from '../../infra/http/error-envelope.ts';
import { wirePosition as position } from '../../infra/http/position-schema.ts';
import { readProduct } from '../catalog/read-product.ts';
import { withPosition } from '../shared/position-reply.ts';
import { commandContextOf } from '../shared/request-context.ts';
import { handleInventoryCommand } from './handle-inventory-command.ts';

/** Stock per sku, one `inventory-{sku}` stream each. Reservations come from the saga, not HTTP. */
export const inventoryRoutes: FastifyPluginAsyncZod<CommandDependencies> = async (app, deps) => {
  app.post(
    '/inventory/:sku/receipts',
    {
      config: { idempotent: true },
      schema: {
        tags: ['inventory'],
        summary: 'Receive stock of a catalog product',
        params: z.strictObject({ sku }),
        body: z.strictObject({ quantity }),
        response: { 200: z.object({ sku, quantity, position }), ...commandErrorResponses },
      },
    },
    async (request, reply) => {
      const { sku: itemSku } = request.params;
      // Stock of something nobody can order is a typo waiting to be found: refuse it.
      if ((await readProduct(deps.eventStore, itemSku)).status === 'empty') throw productNotFound(itemSku);
      const outcome = await handleInventoryCommand(
        deps,
        { type: 'ReceiveStock', data: { sku: itemSku, quantity: request.body.quantity } },
        commandContextOf(request),
      );
      return withPosition(reply, outcome.position, { sku: itemSku, quantity: request.body.quantity });
    },
  );
};
