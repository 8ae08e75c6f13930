import { z } from 'zod';
import { orderId, paymentToken, sku } from '../shared/identifiers.ts';
import { amount, currency } from '../shared/money.ts';
import { quantity } from '../shared/quantity.ts';
import { cancellationReason, rejectionReason } from '../shared/reasons.ts';

// Stream `fulfillment-{orderId}`, written by the fulfillment saga and nobody else: its
// requests to the other services, and its own progress. Stored events are read back for
// ever: never rename or narrow a field; unknown keys are dropped, not refused.

/**
 * The saga took the order on: what it will ask the customer to pay, kept in its own stream so
 * that it never has to read another service's stream to request the payment later.
 */
export const fulfillmentStartedEvent = z.object({
  type: z.literal('FulfillmentStarted'),
  data: z.object({ orderId, amount, currency, token: paymentToken }),
});

/**
 * The saga noted the inventory's reservation of one line. Its state is folded from its own
 * stream only, so the answers it is still waiting on are recorded here as they arrive.
 */
export const fulfillmentLineReservedEvent = z.object({
  type: z.literal('FulfillmentLineReserved'),
  data: z.object({ orderId, sku, quantity }),
});

/** One request per order line; the inventory answers each once. */
export const stockReservationRequestedEvent = z.object({
  type: z.literal('StockReservationRequested'),
  data: z.object({ orderId, sku, quantity }),
});

export const stockReleaseRequestedEvent = z.object({
  type: z.literal('StockReleaseRequested'),
  data: z.object({ orderId, sku, quantity }),
});

export const stockCommitRequestedEvent = z.object({
  type: z.literal('StockCommitRequested'),
  data: z.object({ orderId, sku, quantity }),
});

export const paymentRequestedEvent = z.object({
  type: z.literal('PaymentRequested'),
  data: z.object({ orderId, amount, currency, token: paymentToken }),
});

export const refundRequestedEvent = z.object({
  type: z.literal('RefundRequested'),
  data: z.object({ orderId, amount, currency }),
});

export const orderConfirmationRequestedEvent = z.object({
  type: z.literal('OrderConfirmationRequested'),
  data: z.object({ orderId }),
});

export const orderRejectionRequestedEvent = z.object({
  type: z.literal('OrderRejectionRequested'),
  data: z.object({ orderId, reason: rejectionReason }),
});

export const orderCancellationApprovedEvent = z.object({
  type: z.literal('OrderCancellationApproved'),
  data: z.object({ orderId, reason: cancellationReason }),
});

/** Durable, so the deadline survives a restart; `dueAt` is an ISO-8601 UTC timestamp. */
export const fulfillmentDeadlineSetEvent = z.object({
  type: z.literal('FulfillmentDeadlineSet'),
  data: z.object({ orderId, dueAt: z.iso.datetime() }),
});

export const fulfillmentTimedOutEvent = z.object({
  type: z.literal('FulfillmentTimedOut'),
  data: z.object({ orderId }),
});

/** How the order ended; every order reaches exactly one of these. */
export const fulfillmentOutcome = z.enum(['confirmed', 'rejected', 'cancelled']);

export const fulfillmentCompletedEvent = z.object({
  type: z.literal('FulfillmentCompleted'),
  data: z.object({ orderId, outcome: fulfillmentOutcome }),
});

export const fulfillmentEvent = z.discriminatedUnion('type', [
  fulfillmentStartedEvent,
  fulfillmentLineReservedEvent,
  stockReservationRequestedEvent,
  stockReleaseRequestedEvent,
  stockCommitRequestedEvent,
  paymentRequestedEvent,
  refundRequestedEvent,
  orderConfirmationRequestedEvent,
  orderRejectionRequestedEvent,
  orderCancellationApprovedEvent,
  fulfillmentDeadlineSetEvent,
  fulfillmentTimedOutEvent,
  fulfillmentCompletedEvent,
]);

export type FulfillmentStarted = z.infer<typeof fulfillmentStartedEvent>;
export type FulfillmentLineReserved = z.infer<typeof fulfillmentLineReservedEvent>;
export type StockReservationRequested = z.infer<typeof stockReservationRequestedEvent>;
export type StockReleaseRequested = z.infer<typeof stockReleaseRequestedEvent>;
export type StockCommitRequested = z.infer<typeof stockCommitRequestedEvent>;
export type PaymentRequested = z.infer<typeof paymentRequestedEvent>;
export type RefundRequested = z.infer<typeof refundRequestedEvent>;
export type OrderConfirmationRequested = z.infer<typeof orderConfirmationRequestedEvent>;
export type OrderRejectionRequested = z.infer<typeof orderRejectionRequestedEvent>;
export type OrderCancellationApproved = z.infer<typeof orderCancellationApprovedEvent>;
export type FulfillmentDeadlineSet = z.infer<typeof fulfillmentDeadlineSetEvent>;
export type FulfillmentTimedOut = z.infer<typeof fulfillmentTimedOutEvent>;
export type FulfillmentOutcome = z.infer<typeof fulfillmentOutcome>;
export type FulfillmentCompleted = z.infer<typeof fulfillmentCompletedEvent>;
export type FulfillmentEvent = z.infer<typeof fulfillmentEvent>;
