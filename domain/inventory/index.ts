import type { Decider } from '../shared/decider.ts';
import type { InventoryCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { InventoryEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { initialState, type InventoryState } from './state.ts';

/** One sku's stock: units on hand, the reservations orders hold on them, the orders settled lately. */
export const inventoryDecider: Decider<InventoryCommand, InventoryEvent, InventoryState> = {
  initialState,
  evolve,
  decide,
};

export const inventoryCategory = 'inventory';
export const inventoryStream = (sku: string): string => `${inventoryCategory}-${sku}`;

export {
  commitStockCommand,
  inventoryCommand,
  receiveStockCommand,
  releaseStockCommand,
  reserveStockCommand,
  type CommitStock,
  type InventoryCommand,
  type ReceiveStock,
  type ReleaseStock,
  type ReserveStock,
} from './commands.ts';
export { inventoryErrorCodes, type InventoryErrorCode } from './errors.ts';
export {
  inventoryEvent,
  stockCommittedEvent,
  stockReceivedEvent,
  stockReleasedEvent,
  stockReservationRejectedEvent,
  stockReservedEvent,
  type InventoryEvent,
  type StockCommitted,
  type StockReceived,
  type StockReleased,
  type StockReservationRejected,
  type StockReserved,
} from './events.ts';
export { type RecentlyClosed } from './recently-closed.ts';
export {
  decodeInventorySnapshot,
  encodeInventorySnapshot,
  inventorySnapshot,
  type InventorySnapshot,
} from './snapshot.ts';
export { available, isAnswered, REMEMBERED_CLOSED_RESERVATIONS, type InventoryState } from './state.ts';
