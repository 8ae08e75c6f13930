import type { OrderEvent } from './events.ts';
import { isOpen, type OrderState } from './state.ts';

/**
 * Folds one order fact into the state. A verdict applies to an open order only, so a
 * terminal state is never left; a fact that does not fit the lifecycle changes nothing.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced':
      return state.status === 'empty' ? { status: 'placed', orderId: event.data.orderId } : state;
    case 'OrderCancellationRequested': {
      if (state.status !== 'placed') return state;
      const { orderId, reason, note } = event.data;
      return { status: 'cancellation_requested', orderId, reason, note };
    }
    case 'OrderConfirmed':
      return isOpen(state) ? { status: 'confirmed', orderId: state.orderId } : state;
    case 'OrderRejected':
      return isOpen(state) ? { status: 'rejected', orderId: state.orderId, reason: event.data.reason } : state;
    case 'OrderCancelled':
      return isOpen(state) ? { status: 'cancelled', orderId: state.orderId, reason: event.data.reason } : state;
    default: {
      // Compile time: every event type is handled. Run time: an unknown one is ignored.
      const _exhaustive: never = event;
      return state;
    }
  }
}
