import { z } from 'zod';
import { orderId, providerRef } from '../shared/identifiers.ts';
import { amount, currency } from '../shared/money.ts';
import { declineReason } from './events.ts';

// Commands describe input, so unknown keys are refused. The provider is called outside the
// domain; these commands record what it answered.

export const recordPaymentAuthorizationCommand = z.strictObject({
  type: z.literal('RecordPaymentAuthorization'),
  data: z.strictObject({ orderId, amount, currency, providerRef }),
});

export const recordPaymentDeclineCommand = z.strictObject({
  type: z.literal('RecordPaymentDecline'),
  data: z.strictObject({ orderId, reason: declineReason }),
});

/** Names only the order: what is refunded is what was authorized, which the payment remembers. */
export const refundPaymentCommand = z.strictObject({
  type: z.literal('RefundPayment'),
  data: z.strictObject({ orderId }),
});

export const paymentCommand = z.discriminatedUnion('type', [
  recordPaymentAuthorizationCommand,
  recordPaymentDeclineCommand,
  refundPaymentCommand,
]);

export type RecordPaymentAuthorization = z.infer<typeof recordPaymentAuthorizationCommand>;
export type RecordPaymentDecline = z.infer<typeof recordPaymentDeclineCommand>;
export type RefundPayment = z.infer<typeof refundPaymentCommand>;
export type PaymentCommand = z.infer<typeof paymentCommand>;
