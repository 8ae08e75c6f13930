import type { PaymentEvent } from './events.ts';
import type { PaymentState } from './state.ts';

/**
 * Folds one payment fact into the state. An authorization is applied over a decline too
 * (money the provider holds must show), never over an earlier authorization or its refund.
 */
export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentAuthorized': {
      if (state.status !== 'empty' && state.status !== 'declined') return state;
      const { orderId, amount, currency, providerRef } = event.data;
      return { status: 'authorized', orderId, amount, currency, providerRef };
    }
    case 'PaymentDeclined':
      return state.status === 'empty' ? { status: 'declined', orderId: event.data.orderId, reason: event.data.reason } : state;
    case 'PaymentRefunded': {
      if (state.status !== 'authorized') return state;
      const { orderId, amount, currency } = state;
      return { status: 'refunded', orderId, amount, currency };
    }
    default: {
      // Compile time: every event type is handled. Run time: an unknown one is ignored.
      const _exhaustive: never = event;
      return state;
    }
  }
}
