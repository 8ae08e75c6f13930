/**
 * What became of one order's request for this sku. Each request is answered once
 * (reserved or rejected) and a reservation is settled once (released or committed).
 */
export type Reservation =
  | { readonly status: 'reserved'; readonly quantity: number }
  | { readonly status: 'rejected'; readonly requested: number }
  | { readonly status: 'released'; readonly quantity: number }
  | { readonly status: 'committed'; readonly quantity: number };

/**
 * One sku's stock. The item has no lifecycle of its own (it exists as soon as anyone names
 * its sku, with nothing on hand); the lifecycle is each reservation's, hence the union above.
 *
 * Invariants: `reserved` is the sum of the reservations still `reserved`, and
 * 0 ≤ reserved ≤ onHand, so neither on hand nor available ever goes negative.
 */
export interface InventoryState {
  readonly onHand: number;
  readonly reserved: number;
  /**
   * Every order that ever asked for this sku. Remembering settled ones too is what makes a
   * redelivered request a no-op instead of a second reservation. Evolving copies this map,
   * so folding costs grow with the orders a sku has seen: a very long stream wants a snapshot.
   */
  readonly reservations: ReadonlyMap<string, Reservation>;
}

export const initialState: InventoryState = { onHand: 0, reserved: 0, reservations: new Map() };

/** Units that can still be promised to an order. */
export const available = (state: InventoryState): number => state.onHand - state.reserved;
