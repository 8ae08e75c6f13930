import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { v4 as uuid } from 'uuid';
import { z } from 'zod';
import { orderDecider, orderEvent, orderStream } from '../../domain/order/index.ts';
import { customerId, note, orderId, orderLines, paymentToken, quantity, sku } from '../../domain/shared/index.ts';
import type { CommandDependencies } from '../shared/command-dependencies.ts';
import { commandErrorResponses } from '../../infra/http/error-envelope.ts';
import { wirePosition as position } from '../../infra/http/position-schema.ts';
import { deriveId } from '../shared/command-context.ts';
import { handleCommand } from '../shared/handle-command.ts';
import { withPosition } from '../shared/position-reply.ts';
import { commandContextOf } from '../shared/request-context.ts';
import { priceOrderLines } from './price-order-lines.ts';

const decodeOrderEvent = (event: { type: string; data: unknown }) => orderEvent.parse(event);

const placeOrderBody = z.strictObject({
  customerId,
  lines: orderLines(z.strictObject({ sku, quantity })),
  payment: z.strictObject({ token: paymentToken }),
});

/**
 * Orders: placing prices the lines and appends OrderPlaced, nothing more — stock and payment are
 * the saga's business. Cancelling only asks; the saga compensates and the order ends cancelled.
 */
export const ordersRoutes: FastifyPluginAsyncZod<CommandDependencies> = async (app, deps) => {
  app.post(
    '/orders',
    {
      config: { idempotent: true },
      schema: {
        tags: ['orders'],
        summary: 'Place an order (prices come from the catalog; stock and payment follow through the saga)',
        body: placeOrderBody,
        response: { 201: z.object({ orderId, position }), ...commandErrorResponses },
      },
    },
    async (request, reply) => {
      const context = commandContextOf(request);
      // With an Idempotency-Key a retry must land on the same order, so its id derives from the key.
      const newOrderId = context.idSeed ? deriveId(context.idSeed, 'orderId') : uuid();
      const lines = await priceOrderLines(deps.eventStore, request.body.lines);
      const outcome = await handleCommand(deps, {
        decider: orderDecider,
        decode: decodeOrderEvent,
        streamName: orderStream(newOrderId),
        command: {
          type: 'PlaceOrder',
          data: { orderId: newOrderId, customerId: request.body.customerId, lines, payment: request.body.payment },
        },
        context,
        expectNewStream: true,
      });
      return reply
        .code(201)
        .header('location', `/orders/${newOrderId}`)
        .send(withPosition(reply, outcome.position, { orderId: newOrderId }));
    },
  );

  app.post(
    '/orders/:orderId/cancel',
    {
      config: { idempotent: true },
      schema: {
        tags: ['orders'],
        summary: 'Ask to cancel an order that is not yet confirmed, rejected or cancelled',
        params: z.strictObject({ orderId }),
        // A cancel without a body is common (curl -X POST): fastify hands us null.
        body: z.strictObject({ reason: note.optional() }).nullish(),
        response: { 202: z.object({ orderId, position }), ...commandErrorResponses },
      },
    },
    async (request, reply) => {
      const { orderId: id } = request.params;
      const outcome = await handleCommand(deps, {
        decider: orderDecider,
        decode: decodeOrderEvent,
        streamName: orderStream(id),
        command: {
          type: 'RequestOrderCancellation',
          data: { orderId: id, reason: 'cancelled_by_customer', ...(request.body?.reason ? { note: request.body.reason } : {}) },
        },
        context: commandContextOf(request),
      });
      return reply.code(202).send(withPosition(reply, outcome.position, { orderId: id }));
    },
  );
};
