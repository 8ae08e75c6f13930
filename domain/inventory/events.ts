import { z } from 'zod';
import { orderId, sku } from '../shared/identifiers.ts';
import { quantity, stockLevel } from '../shared/quantity.ts';

// Stream `inventory-{sku}`, written by the inventory service. Stored events are read back
// for ever: never rename or narrow a field; unknown keys are dropped, not refused.

export const stockReceivedEvent = z.object({
  type: z.literal('StockReceived'),
  data: z.object({ sku, quantity }),
});

export const stockReservedEvent = z.object({
  type: z.literal('StockReserved'),
  data: z.object({ sku, orderId, quantity }),
});

/** A reservation that could not be made is a fact the saga reacts to, not an error. */
export const stockReservationRejectedEvent = z.object({
  type: z.literal('StockReservationRejected'),
  data: z.object({ sku, orderId, requested: quantity, available: stockLevel }),
});

export const stockReleasedEvent = z.object({
  type: z.literal('StockReleased'),
  data: z.object({ sku, orderId, quantity }),
});

/** The reserved units leave the warehouse: on hand and reserved both drop by `quantity`. */
export const stockCommittedEvent = z.object({
  type: z.literal('StockCommitted'),
  data: z.object({ sku, orderId, quantity }),
});

export const inventoryEvent = z.discriminatedUnion('type', [
  stockReceivedEvent,
  stockReservedEvent,
  stockReservationRejectedEvent,
  stockReleasedEvent,
  stockCommittedEvent,
]);

export type StockReceived = z.infer<typeof stockReceivedEvent>;
export type StockReserved = z.infer<typeof stockReservedEvent>;
export type StockReservationRejected = z.infer<typeof stockReservationRejectedEvent>;
export type StockReleased = z.infer<typeof stockReleasedEvent>;
export type StockCommitted = z.infer<typeof stockCommittedEvent>;
export type InventoryEvent = z.infer<typeof inventoryEvent>;
