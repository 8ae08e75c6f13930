import type { FulfillmentEvent } from './events.ts';
import type { FulfillmentState } from './state.ts';

/**
 * Folds one of the saga's own events. Requests that accompany a transition (releases, commits)
 * change nothing by themselves: the event that names the transition does. Anything out of place
 * leaves the state as it is.
 */
export function evolve(state: FulfillmentState, event: FulfillmentEvent): FulfillmentState {
  switch (event.type) {
    case 'FulfillmentStarted': {
      if (state.status !== 'idle') return state;
      const { orderId, amount, currency, token } = event.data;
      return { status: 'reserving', orderId, lines: [], reserved: new Set(), payment: { amount, currency, token }, dueAt: undefined };
    }
    case 'StockReservationRequested': {
      if (state.status !== 'reserving') return state;
      const { sku, quantity } = event.data;
      return { ...state, lines: [...state.lines, { sku, quantity }] };
    }
    case 'FulfillmentDeadlineSet':
      return state.status === 'reserving' || state.status === 'awaiting_payment' ? { ...state, dueAt: event.data.dueAt } : state;
    case 'FulfillmentLineReserved':
      // An order has at most 100 lines: copying the set is cheap and keeps states immutable.
      return state.status === 'reserving' ? { ...state, reserved: new Set(state.reserved).add(event.data.sku) } : state;
    case 'PaymentRequested':
      return state.status === 'reserving'
        ? { status: 'awaiting_payment', orderId: state.orderId, lines: state.lines, dueAt: state.dueAt }
        : state;
    case 'OrderConfirmationRequested':
      return state.status === 'awaiting_payment' ? { status: 'confirming', orderId: state.orderId } : state;
    case 'OrderRejectionRequested':
      return state.status === 'reserving' || state.status === 'awaiting_payment'
        ? { status: 'compensating', orderId: state.orderId, outcome: 'rejected', reason: event.data.reason, refundRequested: false }
        : state;
    case 'OrderCancellationApproved':
      return state.status === 'reserving' || state.status === 'awaiting_payment'
        ? { status: 'compensating', orderId: state.orderId, outcome: 'cancelled', reason: event.data.reason, refundRequested: false }
        : state;
    case 'RefundRequested':
      return state.status === 'compensating' || state.status === 'completed' ? { ...state, refundRequested: true } : state;
    case 'FulfillmentCompleted':
      if (state.status === 'idle' || state.status === 'completed') return state;
      return {
        status: 'completed',
        orderId: state.orderId,
        outcome: event.data.outcome,
        refundRequested: state.status === 'compensating' && state.refundRequested,
      };
    case 'StockReleaseRequested':
    case 'StockCommitRequested':
    case 'FulfillmentTimedOut':
      return state;
    default: {
      // Compile time: every event type is handled. Run time: an unknown one is ignored.
      const _exhaustive: never = event;
      return state;
    }
  }
}
