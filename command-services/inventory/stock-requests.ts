import type { InventoryCommand } from '../../domain/inventory/index.ts';
import type { Reaction } from '../../infra/subscriptions/reaction.ts';
import type { ProjectedEvent } from '../../projections/projection.ts';
import type { CommandDependencies } from '../shared/command-dependencies.ts';
import { reactionContext } from '../shared/reaction-context.ts';
import { isTransient } from '../shared/is-transient.ts';
import { handleInventoryCommand } from './handle-inventory-command.ts';
import { unparsedOrderKey } from '../shared/unparsed-order-key.ts';

/**
 * What a crash may redeliver at most. The inventory remembers the last
 * REMEMBERED_CLOSED_RESERVATIONS closed orders per sku so that a redelivered reservation request
 * finds its order already settled; that memory must stay at least four times this bound (a test
 * holds them together).
 */
export const STOCK_REQUESTS_MAX_IN_FLIGHT = 1_000;

function commandFor({ event }: ProjectedEvent): InventoryCommand | undefined {
  switch (event.type) {
    case 'StockReservationRequested':
      return { type: 'ReserveStock', data: { sku: event.data.sku, orderId: event.data.orderId, quantity: event.data.quantity } };
    case 'StockReleaseRequested':
      return { type: 'ReleaseStock', data: { sku: event.data.sku, orderId: event.data.orderId } };
    case 'StockCommitRequested':
      return { type: 'CommitStock', data: { sku: event.data.sku, orderId: event.data.orderId } };
    default:
      return undefined;
  }
}

/**
 * The inventory answering the saga (DESIGN §4 steps 2, 4, 5). Keyed by order: an order's release
 * always follows the reservation it undoes, whatever the sku. Writers of one hot sku meet in the
 * sku's stream (queued in-process, expected revision across processes).
 */
export function createStockRequestsReaction(deps: CommandDependencies): Reaction {
  return {
    name: 'stock-requests',
    handles: ['StockReservationRequested', 'StockReleaseRequested', 'StockCommitRequested'],
    key: ({ event }) => ('orderId' in event.data ? event.data.orderId : ''),
    unparsedKey: unparsedOrderKey,
    maxInFlight: STOCK_REQUESTS_MAX_IN_FLIGHT,
    isTransient,
    handle: async (projected) => {
      const command = commandFor(projected);
      if (command) await handleInventoryCommand(deps, command, reactionContext(projected), { maxAttempts: 10 });
    },
  };
}
