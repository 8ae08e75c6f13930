import type { InventoryEvent } from './events.ts';
import type { InventoryState, Reservation } from './state.ts';

const withReservation = (state: InventoryState, orderId: string, reservation: Reservation) =>
  new Map(state.reservations).set(orderId, reservation);

/**
 * Folds one stock fact into the state. A reservation fact for an order already answered,
 * or a settlement of a reservation that is not open, changes nothing.
 */
export function evolve(state: InventoryState, event: InventoryEvent): InventoryState {
  switch (event.type) {
    case 'StockReceived':
      return { ...state, onHand: state.onHand + event.data.quantity };
    case 'StockReserved': {
      const { orderId, quantity } = event.data;
      if (state.reservations.has(orderId)) return state;
      return {
        ...state,
        reserved: state.reserved + quantity,
        reservations: withReservation(state, orderId, { status: 'reserved', quantity }),
      };
    }
    case 'StockReservationRejected': {
      const { orderId, requested } = event.data;
      if (state.reservations.has(orderId)) return state;
      return { ...state, reservations: withReservation(state, orderId, { status: 'rejected', requested }) };
    }
    case 'StockReleased': {
      const reservation = state.reservations.get(event.data.orderId);
      if (reservation?.status !== 'reserved') return state;
      return {
        ...state,
        reserved: state.reserved - reservation.quantity,
        reservations: withReservation(state, event.data.orderId, { ...reservation, status: 'released' }),
      };
    }
    case 'StockCommitted': {
      const reservation = state.reservations.get(event.data.orderId);
      if (reservation?.status !== 'reserved') return state;
      return {
        onHand: state.onHand - reservation.quantity,
        reserved: state.reserved - reservation.quantity,
        reservations: withReservation(state, event.data.orderId, { ...reservation, status: 'committed' }),
      };
    }
    default: {
      // Compile time: every event type is handled. Run time: an unknown one is ignored.
      const _exhaustive: never = event;
      return state;
    }
  }
}
