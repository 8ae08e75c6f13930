import { z } from 'zod';
import { orderId, providerRef } from '../shared/identifiers.ts';
import { amount, currency } from '../shared/money.ts';
import { plainText } from '../shared/text.ts';

// Stream `payment-{orderId}`, written by the payments service. Stored events are read back
// for ever: never rename or narrow a field; unknown keys are dropped, not refused.

/** The provider's own words for a decline ("card_declined", "insufficient_funds"…). */
export const declineReason = plainText(1, 500);

/** Money is held for the order; `providerRef` is the provider's handle on that hold. */
export const paymentAuthorizedEvent = z.object({
  type: z.literal('PaymentAuthorized'),
  data: z.object({ orderId, amount, currency, providerRef }),
});

export const paymentDeclinedEvent = z.object({
  type: z.literal('PaymentDeclined'),
  data: z.object({ orderId, reason: declineReason }),
});

export const paymentRefundedEvent = z.object({
  type: z.literal('PaymentRefunded'),
  data: z.object({ orderId, amount, currency }),
});

export const paymentEvent = z.discriminatedUnion('type', [
  paymentAuthorizedEvent,
  paymentDeclinedEvent,
  paymentRefundedEvent,
]);

export type PaymentAuthorized = z.infer<typeof paymentAuthorizedEvent>;
export type PaymentDeclined = z.infer<typeof paymentDeclinedEvent>;
export type PaymentRefunded = z.infer<typeof paymentRefundedEvent>;
export type PaymentEvent = z.infer<typeof paymentEvent>;
