import type { PaymentCommand, RecordPaymentAuthorization, RecordPaymentDecline, RefundPayment } from './commands.ts';
import type { PaymentEvent } from './events.ts';
import type { PaymentState } from './state.ts';

// Rules about the payment only: whether the order still wants the money is the saga's
// business (it refunds a late authorization), not a reason to leave one unrecorded.

/**
 * Recorded once. Recorded even after a decline: money the provider holds must appear in the
 * stream, or nothing would ever refund it.
 */
function recordPaymentAuthorization(command: RecordPaymentAuthorization, state: PaymentState): PaymentEvent[] {
  if (state.status !== 'empty' && state.status !== 'declined') return [];
  const { orderId, amount, currency, providerRef } = command.data;
  return [{ type: 'PaymentAuthorized', data: { orderId, amount, currency, providerRef } }];
}

/** Recorded only as the first answer: a decline says nothing new once money is held or refused. */
function recordPaymentDecline(command: RecordPaymentDecline, state: PaymentState): PaymentEvent[] {
  if (state.status !== 'empty') return [];
  const { orderId, reason } = command.data;
  return [{ type: 'PaymentDeclined', data: { orderId, reason } }];
}

/** Gives back exactly what was authorized, once; with nothing held there is nothing to refund. */
function refundPayment(command: RefundPayment, state: PaymentState): PaymentEvent[] {
  if (state.status !== 'authorized') return [];
  const { amount, currency } = state;
  return [{ type: 'PaymentRefunded', data: { orderId: command.data.orderId, amount, currency } }];
}

export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'RecordPaymentAuthorization':
      return recordPaymentAuthorization(command, state);
    case 'RecordPaymentDecline':
      return recordPaymentDecline(command, state);
    case 'RefundPayment':
      return refundPayment(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown payment command ${JSON.stringify(_exhaustive)}`);
    }
  }
}
