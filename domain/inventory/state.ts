import { Map as ImmutableMap } from 'immutable';
import { nothingClosed, type RecentlyClosed } from './recently-closed.ts';

/**
 * How many settled orders (rejected, released or committed) one sku remembers, so that a
 * redelivered ReserveStock for them stays a no-op instead of reserving again (and a replayed
 * CommitStock then shipping twice).
 *
 * Coupled to the inventory reaction's `maxInFlight` (1,000; infra/subscriptions/reaction.ts):
 * after a crash or a takeover the reaction runner redelivers at most `maxInFlight` events, and
 * each of them settles at most one order of this sku, so a redelivered request is never further
 * than `maxInFlight` settlements behind. Keep this ≥ 4 × that `maxInFlight` (a test asserts it):
 * the margin covers what the bound does not model, such as a takeover redelivering the window of
 * a worker that was itself replaying one. An order forgotten beyond it is treated as new.
 */
export const REMEMBERED_CLOSED_RESERVATIONS = 5_000;

/**
 * One sku's stock. The item has no lifecycle of its own (it exists as soon as anyone names its
 * sku, with nothing on hand); each order's request for it is answered once (reserved or
 * rejected) and a reservation is settled once (released or committed).
 *
 * Small on purpose, since a hot sku's stream holds 100,000+ events: only open reservations, and
 * a bounded memory of settled ones, in persistent structures so that `evolve` is O(log n) and
 * never copies (initialState is shared by every fold).
 *
 * Invariants: `reserved` is the sum of `openReservations`, and 0 ≤ reserved ≤ onHand, so neither
 * on hand nor available ever goes negative.
 */
export interface InventoryState {
  readonly onHand: number;
  readonly reserved: number;
  /** Orders holding units of this sku: orderId → quantity reserved. */
  readonly openReservations: ImmutableMap<string, number>;
  /** The last REMEMBERED_CLOSED_RESERVATIONS orders settled, oldest forgotten first. */
  readonly recentlyClosed: RecentlyClosed;
}

export const initialState: InventoryState = {
  onHand: 0,
  reserved: 0,
  openReservations: ImmutableMap(),
  recentlyClosed: nothingClosed,
};

/** Units that can still be promised to an order. */
export const available = (state: InventoryState): number => state.onHand - state.reserved;

/** The order's request was answered and is still known: it holds a reservation, or was settled recently. */
export const isAnswered = (state: InventoryState, orderId: string): boolean =>
  state.openReservations.has(orderId) || state.recentlyClosed.orderIds.has(orderId);
