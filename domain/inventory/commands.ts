import { z } from 'zod';
import { orderId, sku } from '../shared/identifiers.ts';
import { quantity } from '../shared/quantity.ts';

// Commands describe input, so unknown keys are refused. Releasing and committing name only
// the order: the quantity is whatever that order reserved, which the inventory remembers.

export const receiveStockCommand = z.strictObject({
  type: z.literal('ReceiveStock'),
  data: z.strictObject({ sku, quantity }),
});

export const reserveStockCommand = z.strictObject({
  type: z.literal('ReserveStock'),
  data: z.strictObject({ sku, orderId, quantity }),
});

export const releaseStockCommand = z.strictObject({
  type: z.literal('ReleaseStock'),
  data: z.strictObject({ sku, orderId }),
});

export const commitStockCommand = z.strictObject({
  type: z.literal('CommitStock'),
  data: z.strictObject({ sku, orderId }),
});

export const inventoryCommand = z.discriminatedUnion('type', [
  receiveStockCommand,
  reserveStockCommand,
  releaseStockCommand,
  commitStockCommand,
]);

export type ReceiveStock = z.infer<typeof receiveStockCommand>;
export type ReserveStock = z.infer<typeof reserveStockCommand>;
export type ReleaseStock = z.infer<typeof releaseStockCommand>;
export type CommitStock = z.infer<typeof commitStockCommand>;
export type InventoryCommand = z.infer<typeof inventoryCommand>;
