import type { InventoryEvent } from './events.ts';
import { remember } from './recently-closed.ts';
import { REMEMBERED_CLOSED_RESERVATIONS, type InventoryState } from './state.ts';

const settle = (state: InventoryState, orderId: string) =>
  remember(state.recentlyClosed, orderId, REMEMBERED_CLOSED_RESERVATIONS);

/**
 * Folds one stock fact into the state, in O(log n) without copying. A reservation fact for an
 * order already holding one, or a settlement of a reservation that is not open, changes nothing.
 *
 * A StockReserved for an order remembered as settled is applied all the same: decide never
 * writes one while the order is remembered, so it can only come from a decision made under a
 * smaller memory (another REMEMBERED_CLOSED_RESERVATIONS), and the units it holds are real.
 */
export function evolve(state: InventoryState, event: InventoryEvent): InventoryState {
  switch (event.type) {
    case 'StockReceived':
      return { ...state, onHand: state.onHand + event.data.quantity };
    case 'StockReserved': {
      const { orderId, quantity } = event.data;
      if (state.openReservations.has(orderId)) return state;
      return { ...state, reserved: state.reserved + quantity, openReservations: state.openReservations.set(orderId, quantity) };
    }
    case 'StockReservationRejected': {
      const { orderId } = event.data;
      if (state.openReservations.has(orderId)) return state;
      return { ...state, recentlyClosed: settle(state, orderId) };
    }
    case 'StockReleased': {
      const { orderId } = event.data;
      const quantity = state.openReservations.get(orderId);
      if (quantity === undefined) return state;
      return {
        ...state,
        reserved: state.reserved - quantity,
        openReservations: state.openReservations.delete(orderId),
        recentlyClosed: settle(state, orderId),
      };
    }
    case 'StockCommitted': {
      const { orderId } = event.data;
      const quantity = state.openReservations.get(orderId);
      if (quantity === undefined) return state;
      return {
        onHand: state.onHand - quantity,
        reserved: state.reserved - quantity,
        openReservations: state.openReservations.delete(orderId),
        recentlyClosed: settle(state, orderId),
      };
    }
    default: {
      // Compile time: every event type is handled. Run time: an unknown one is ignored.
      const _exhaustive: never = event;
      return state;
    }
  }
}
