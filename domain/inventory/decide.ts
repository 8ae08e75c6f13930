import type { CommitStock, InventoryCommand, ReceiveStock, ReleaseStock, ReserveStock } from './commands.ts';
import type { InventoryEvent } from './events.ts';
import { available, isAnswered, type InventoryState } from './state.ts';

function receiveStock(command: ReceiveStock): InventoryEvent[] {
  const { sku, quantity } = command.data;
  return [{ type: 'StockReceived', data: { sku, quantity } }];
}

/**
 * An order's request for this sku is answered once, whatever the answer was: a redelivered
 * request must not reserve twice, nor turn an earlier rejection into a late reservation. Settled
 * orders are remembered for the last REMEMBERED_CLOSED_RESERVATIONS settlements only (enough for
 * any redelivery); one forgotten beyond that is treated as a new request.
 * Reserving only what is available is what keeps stock from ever going negative.
 */
function reserveStock(command: ReserveStock, state: InventoryState): InventoryEvent[] {
  const { sku, orderId, quantity } = command.data;
  if (isAnswered(state, orderId)) return [];
  const left = available(state);
  if (left < quantity) {
    return [{ type: 'StockReservationRejected', data: { sku, orderId, requested: quantity, available: left } }];
  }
  return [{ type: 'StockReserved', data: { sku, orderId, quantity } }];
}

/** Gives back exactly what the order holds; nothing held (never reserved, already settled) → nothing to do. */
function releaseStock(command: ReleaseStock, state: InventoryState): InventoryEvent[] {
  const { sku, orderId } = command.data;
  const quantity = state.openReservations.get(orderId);
  if (quantity === undefined) return [];
  return [{ type: 'StockReleased', data: { sku, orderId, quantity } }];
}

/** Ships exactly what the order holds; nothing held (never reserved, already settled) → nothing to do. */
function commitStock(command: CommitStock, state: InventoryState): InventoryEvent[] {
  const { sku, orderId } = command.data;
  const quantity = state.openReservations.get(orderId);
  if (quantity === undefined) return [];
  return [{ type: 'StockCommitted', data: { sku, orderId, quantity } }];
}

export function decide(command: InventoryCommand, state: InventoryState): InventoryEvent[] {
  switch (command.type) {
    case 'ReceiveStock':
      return receiveStock(command);
    case 'ReserveStock':
      return reserveStock(command, state);
    case 'ReleaseStock':
      return releaseStock(command, state);
    case 'CommitStock':
      return commitStock(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown inventory command ${JSON.stringify(_exhaustive)}`);
    }
  }
}
