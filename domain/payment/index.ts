import type { Decider } from '../shared/decider.ts';
import type { PaymentCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { PaymentEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { initialState, type PaymentState } from './state.ts';

/** One order's payment, as the provider answered it, and its refund. */
export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = { initialState, evolve, decide };

export const paymentCategory = 'payment';
export const paymentStream = (orderId: string): string => `${paymentCategory}-${orderId}`;

export {
  paymentCommand,
  recordPaymentAuthorizationCommand,
  recordPaymentDeclineCommand,
  refundPaymentCommand,
  type PaymentCommand,
  type RecordPaymentAuthorization,
  type RecordPaymentDecline,
  type RefundPayment,
} from './commands.ts';
export { paymentErrorCodes, type PaymentErrorCode } from './errors.ts';
export {
  declineReason,
  paymentAuthorizedEvent,
  paymentDeclinedEvent,
  paymentEvent,
  paymentRefundedEvent,
  type PaymentAuthorized,
  type PaymentDeclined,
  type PaymentEvent,
  type PaymentRefunded,
} from './events.ts';
export type { PaymentState } from './state.ts';
