import type { StoredEvent } from '../../domain/events.ts';
import type { Projection, SqlStatement } from '../projection.ts';
import { positionParam } from '../shared/page.ts';
import { inventoryMigrations } from './schema.ts';
import { inventoryCategory } from '../../domain/inventory/index.ts';
import { unparsedKeyFrom } from '../../infra/subscriptions/unparsed-key.ts';

// StockReservationRejected changes no counter, so it is not handled: the row's position is the
// last event that moved stock.
const handles = ['StockReceived', 'StockReserved', 'StockReleased', 'StockCommitted'] as const;

/** How an event moves the two counters. */
function deltas(event: StoredEvent): { onHand: number; reserved: number } | undefined {
  switch (event.type) {
    case 'StockReceived':
      return { onHand: event.data.quantity, reserved: 0 };
    case 'StockReserved':
      return { onHand: 0, reserved: event.data.quantity };
    case 'StockReleased':
      return { onHand: 0, reserved: -event.data.quantity };
    case 'StockCommitted':
      // The reserved units leave the warehouse: both counters drop.
      return { onHand: -event.data.quantity, reserved: -event.data.quantity };
    default:
      return undefined;
  }
}

/**
 * Adding a delta is not idempotent by itself; the `position <` guard makes it so: an event at or
 * before the row's last applied position (a replay, a redelivery after a crash) changes nothing.
 * A first event for a sku inserts the row with its delta.
 */
const applyDelta = (sku: string, onHand: number, reserved: number, position: string): SqlStatement => ({
  text: `INSERT INTO inventory (sku, on_hand, reserved, position) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sku) DO UPDATE SET
           on_hand = inventory.on_hand + excluded.on_hand,
           reserved = inventory.reserved + excluded.reserved,
           position = excluded.position
         WHERE inventory.position < excluded.position`,
  values: [sku, onHand, reserved, position],
});

/** Stock per sku: on hand, reserved for open orders, and what is left to sell. */
export const inventoryProjection: Projection = {
  name: 'inventory',
  version: 1,
  handles,
  migrations: inventoryMigrations,
  key: ({ event }) => ('sku' in event.data ? event.data.sku : ''),
  unparsedKey: unparsedKeyFrom('sku', [inventoryCategory]),
  apply: ({ event, position }) => {
    const change = deltas(event);
    if (!change || !('sku' in event.data)) return { statements: [], changes: [] };
    const { sku } = event.data;
    return {
      statements: [applyDelta(sku, change.onHand, change.reserved, positionParam(position))],
      changes: [{ topic: 'inventory', key: sku }],
    };
  },
};
