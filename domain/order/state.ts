import type { CancellationReason, RejectionReason } from '../shared/reasons.ts';

/**
 * An order's lifecycle: placed, perhaps with a cancellation pending, then exactly one
 * terminal state — confirmed, rejected or cancelled — which it never leaves.
 */
export type OrderState =
  | { readonly status: 'empty' }
  | { readonly status: 'placed'; readonly orderId: string }
  | {
      readonly status: 'cancellation_requested';
      readonly orderId: string;
      readonly reason: CancellationReason;
      readonly note?: string;
    }
  | { readonly status: 'confirmed'; readonly orderId: string }
  | { readonly status: 'rejected'; readonly orderId: string; readonly reason: RejectionReason }
  | { readonly status: 'cancelled'; readonly orderId: string; readonly reason: CancellationReason };

export type OrderStatus = OrderState['status'];

/** Still waiting for the saga's verdict. */
export type OpenOrderState = Extract<OrderState, { status: 'placed' | 'cancellation_requested' }>;

export const initialState: OrderState = { status: 'empty' };

export const isOpen = (state: OrderState): state is OpenOrderState =>
  state.status === 'placed' || state.status === 'cancellation_requested';
