import { z } from 'zod';
import { customerId, orderId, paymentToken, sku } from '../shared/identifiers.ts';
import { currency, price } from '../shared/money.ts';
import { orderLines } from '../shared/order-lines.ts';
import { quantity } from '../shared/quantity.ts';
import { cancellationReason, rejectionReason } from '../shared/reasons.ts';
import { note } from '../shared/text.ts';

// Commands describe input, so unknown keys are refused.

/**
 * A line already priced by the caller from the product stream. Each line keeps its catalog
 * currency so that the order, not the caller, decides whether they can be added up.
 */
export const pricedOrderLine = z.strictObject({ sku, quantity, unitPrice: price, currency });

export const placeOrderCommand = z.strictObject({
  type: z.literal('PlaceOrder'),
  data: z.strictObject({
    orderId,
    customerId,
    lines: orderLines(pricedOrderLine),
    payment: z.strictObject({ token: paymentToken }),
  }),
});

/** Sent on the saga's verdict (OrderConfirmationRequested). */
export const confirmOrderCommand = z.strictObject({
  type: z.literal('ConfirmOrder'),
  data: z.strictObject({ orderId }),
});

/** Sent on the saga's verdict (OrderRejectionRequested). */
export const rejectOrderCommand = z.strictObject({
  type: z.literal('RejectOrder'),
  data: z.strictObject({ orderId, reason: rejectionReason }),
});

/** The customer asks; the saga compensates, then approves. */
export const requestOrderCancellationCommand = z.strictObject({
  type: z.literal('RequestOrderCancellation'),
  data: z.strictObject({ orderId, reason: cancellationReason, note: note.optional() }),
});

/** Sent on the saga's approval (OrderCancellationApproved). */
export const cancelOrderCommand = z.strictObject({
  type: z.literal('CancelOrder'),
  data: z.strictObject({ orderId, reason: cancellationReason }),
});

export const orderCommand = z.discriminatedUnion('type', [
  placeOrderCommand,
  confirmOrderCommand,
  rejectOrderCommand,
  requestOrderCancellationCommand,
  cancelOrderCommand,
]);

export type PricedOrderLine = z.infer<typeof pricedOrderLine>;
export type PlaceOrder = z.infer<typeof placeOrderCommand>;
export type ConfirmOrder = z.infer<typeof confirmOrderCommand>;
export type RejectOrder = z.infer<typeof rejectOrderCommand>;
export type RequestOrderCancellation = z.infer<typeof requestOrderCancellationCommand>;
export type CancelOrder = z.infer<typeof cancelOrderCommand>;
export type OrderCommand = z.infer<typeof orderCommand>;
