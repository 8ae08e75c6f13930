import { z } from 'zod';
import { customerId, orderId, paymentToken, sku } from '../shared/identifiers.ts';
import { amount, currency, price } from '../shared/money.ts';
import { orderLines } from '../shared/order-lines.ts';
import { quantity } from '../shared/quantity.ts';
import { cancellationReason, rejectionReason } from '../shared/reasons.ts';
import { note } from '../shared/text.ts';

// Stream `order-{orderId}`, written by the orders service. Stored events are read back for
// ever: never rename or narrow a field; unknown keys are dropped, not refused. Every event
// names its order, so a reader needs no stream name to know what a fact is about.

/** A line as priced from the catalog when the order was placed; later price changes do not touch it. */
export const placedOrderLine = z.object({ sku, quantity, unitPrice: price });

/**
 * `total` is Σ quantity × unitPrice in the order's one currency. The payment token travels
 * to the payments service through this event: it is redacted from logs and never projected.
 */
export const orderPlacedEvent = z.object({
  type: z.literal('OrderPlaced'),
  data: z.object({
    orderId,
    customerId,
    lines: orderLines(placedOrderLine),
    total: amount,
    currency,
    payment: z.object({ token: paymentToken }),
  }),
});

export const orderConfirmedEvent = z.object({
  type: z.literal('OrderConfirmed'),
  data: z.object({ orderId }),
});

export const orderRejectedEvent = z.object({
  type: z.literal('OrderRejected'),
  data: z.object({ orderId, reason: rejectionReason }),
});

/** The customer's own words, if any, travel as `note` beside the reason code. */
export const orderCancellationRequestedEvent = z.object({
  type: z.literal('OrderCancellationRequested'),
  data: z.object({ orderId, reason: cancellationReason, note: note.optional() }),
});

export const orderCancelledEvent = z.object({
  type: z.literal('OrderCancelled'),
  data: z.object({ orderId, reason: cancellationReason, note: note.optional() }),
});

export const orderEvent = z.discriminatedUnion('type', [
  orderPlacedEvent,
  orderConfirmedEvent,
  orderRejectedEvent,
  orderCancellationRequestedEvent,
  orderCancelledEvent,
]);

export type PlacedOrderLine = z.infer<typeof placedOrderLine>;
export type OrderPlaced = z.infer<typeof orderPlacedEvent>;
export type OrderConfirmed = z.infer<typeof orderConfirmedEvent>;
export type OrderRejected = z.infer<typeof orderRejectedEvent>;
export type OrderCancellationRequested = z.infer<typeof orderCancellationRequestedEvent>;
export type OrderCancelled = z.infer<typeof orderCancelledEvent>;
export type OrderEvent = z.infer<typeof orderEvent>;
