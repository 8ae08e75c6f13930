import type { InventoryCommand, InventoryEvent } from '../../../domain/inventory/index.ts';

// Builders for one sku's facts and commands, so each scenario reads as its story.

export const sku = 'MUG-001';
export const orderA = '0b7d5e7a-4f0e-4f4e-9a51-6f1f3c2b9a01';
export const orderB = '6c2a9f3e-1d8b-4c3a-8e7f-2a4b5c6d7e02';

export const received = (quantity: number): InventoryEvent => ({ type: 'StockReceived', data: { sku, quantity } });
export const reserved = (orderId: string, quantity: number): InventoryEvent => ({
  type: 'StockReserved',
  data: { sku, orderId, quantity },
});
export const rejected = (orderId: string, requested: number, available: number): InventoryEvent => ({
  type: 'StockReservationRejected',
  data: { sku, orderId, requested, available },
});
export const released = (orderId: string, quantity: number): InventoryEvent => ({
  type: 'StockReleased',
  data: { sku, orderId, quantity },
});
export const committed = (orderId: string, quantity: number): InventoryEvent => ({
  type: 'StockCommitted',
  data: { sku, orderId, quantity },
});

export const receive = (quantity: number): InventoryCommand => ({ type: 'ReceiveStock', data: { sku, quantity } });
export const reserve = (orderId: string, quantity: number): InventoryCommand => ({
  type: 'ReserveStock',
  data: { sku, orderId, quantity },
});
export const release = (orderId: string): InventoryCommand => ({ type: 'ReleaseStock', data: { sku, orderId } });
export const commit = (orderId: string): InventoryCommand => ({ type: 'CommitStock', data: { sku, orderId } });

/** 5 units on hand, 3 of them reserved for order A: 2 available. */
export const fiveOnHandThreeReservedForA: InventoryEvent[] = [received(5), reserved(orderA, 3)];
