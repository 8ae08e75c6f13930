/**
 * The inventory fold as it was before its state was made small (commit 3d11818^), kept only to
 * measure against: every event copied the map of every order the sku had ever seen.
 */
import type { InventoryEvent } from '../../domain/inventory/index.ts';

type Reservation =
  | { readonly status: 'reserved'; readonly quantity: number }
  | { readonly status: 'rejected'; readonly requested: number }
  | { readonly status: 'released'; readonly quantity: number }
  | { readonly status: 'committed'; readonly quantity: number };

interface StateBefore {
  readonly onHand: number;
  readonly reserved: number;
  readonly reservations: ReadonlyMap<string, Reservation>;
}

export const initialStateBefore: StateBefore = { onHand: 0, reserved: 0, reservations: new Map() };

const withReservation = (state: StateBefore, orderId: string, reservation: Reservation) =>
  new Map(state.reservations).set(orderId, reservation);

export function evolveBefore(state: StateBefore, event: InventoryEvent): StateBefore {
  switch (event.type) {
    case 'StockReceived':
      return { ...state, onHand: state.onHand + event.data.quantity };
    case 'StockReserved': {
      const { orderId, quantity } = event.data;
      if (state.reservations.has(orderId)) return state;
      return { ...state, reserved: state.reserved + quantity, reservations: withReservation(state, orderId, { status: 'reserved', quantity }) };
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
  }
}
