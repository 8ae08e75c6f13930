import { Map as ImmutableMap } from 'immutable';
import { z } from 'zod';
import { orderId } from '../shared/identifiers.ts';
import { quantity, stockLevel } from '../shared/quantity.ts';
import { rememberAll } from './recently-closed.ts';
import { REMEMBERED_CLOSED_RESERVATIONS, type InventoryState } from './state.ts';

/**
 * One sku's state as plain JSON, so a long stream is loaded from its latest snapshot and the
 * events after it. Decoding must give exactly the state a full fold would: hence the memory's
 * order (oldest first) and its capacity are kept, and a snapshot taken under another capacity is
 * refused (the caller then folds the whole stream, which remembers what this version would).
 */
export const inventorySnapshot = z
  .object({
    remembers: z.literal(REMEMBERED_CLOSED_RESERVATIONS),
    onHand: stockLevel,
    reserved: stockLevel,
    openReservations: z.array(z.tuple([orderId, quantity])),
    recentlyClosed: z.array(orderId).max(REMEMBERED_CLOSED_RESERVATIONS),
  })
  .refine((snapshot) => snapshot.reserved === snapshot.openReservations.reduce((sum, [, units]) => sum + units, 0), {
    message: 'reserved must be the sum of the open reservations',
  });

export type InventorySnapshot = z.infer<typeof inventorySnapshot>;

export const encodeInventorySnapshot = (state: InventoryState): InventorySnapshot => ({
  remembers: REMEMBERED_CLOSED_RESERVATIONS,
  onHand: state.onHand,
  reserved: state.reserved,
  openReservations: [...state.openReservations.entries()],
  recentlyClosed: state.recentlyClosed.oldestFirst.toArray(),
});

/** The state back from `encodeInventorySnapshot`'s JSON; throws when `data` is not one. */
export function decodeInventorySnapshot(data: unknown): InventoryState {
  const snapshot = inventorySnapshot.parse(data);
  return {
    onHand: snapshot.onHand,
    reserved: snapshot.reserved,
    openReservations: ImmutableMap(snapshot.openReservations),
    recentlyClosed: rememberAll(snapshot.recentlyClosed, REMEMBERED_CLOSED_RESERVATIONS),
  };
}
