import type { InventoryEvent } from '../../domain/inventory/index.ts';

/**
 * The stream of a hot sku after months of traffic: receipts whenever stock runs low, orders
 * reserving 1 to 5 units (about 1 in 20 asking for more than there is, and rejected), and open
 * reservations settled in random order, three commits for each release, about 150 open at a time.
 * Simulated with plain counters, independently of the decider, and deterministic for a seed.
 */
export function hotSkuHistory({ sku, events, seed = 1, orderPrefix = '00000000' }: HotSkuOptions): InventoryEvent[] {
  const random = mulberry32(seed);
  const history: InventoryEvent[] = [];
  const open = new Map<string, number>();
  const openIds: string[] = [];
  let onHand = 0;
  let reserved = 0;
  let orders = 0;

  while (history.length < events) {
    const available = onHand - reserved;
    if (available < 20) {
      const quantity = 500 + Math.floor(random() * 500);
      onHand += quantity;
      history.push({ type: 'StockReceived', data: { sku, quantity } });
    } else if (openIds.length === 0 || (openIds.length < 150 && random() < 0.5) || openIds.length < 100) {
      const orderId = orderIdOf(orderPrefix, orders++);
      const quantity = random() < 0.05 ? available + 1 + Math.floor(random() * 3) : 1 + Math.floor(random() * 5);
      if (quantity > available) {
        history.push({ type: 'StockReservationRejected', data: { sku, orderId, requested: quantity, available } });
      } else {
        reserved += quantity;
        open.set(orderId, quantity);
        openIds.push(orderId);
        history.push({ type: 'StockReserved', data: { sku, orderId, quantity } });
      }
    } else {
      // Settle one open reservation at random: swap it to the end of the list and drop it.
      const index = Math.floor(random() * openIds.length);
      [openIds[index], openIds[openIds.length - 1]] = [openIds[openIds.length - 1]!, openIds[index]!];
      const orderId = openIds.pop()!;
      const quantity = open.get(orderId)!;
      open.delete(orderId);
      reserved -= quantity;
      if (random() < 0.75) {
        onHand -= quantity;
        history.push({ type: 'StockCommitted', data: { sku, orderId, quantity } });
      } else {
        history.push({ type: 'StockReleased', data: { sku, orderId, quantity } });
      }
    }
  }
  return history;
}

export interface HotSkuOptions {
  sku: string;
  events: number;
  seed?: number;
  /** 8 hex digits that start every order id, to tell several histories' orders apart. */
  orderPrefix?: string;
}

/** A valid UUID (version 4, variant 8) made from a counter, so histories are reproducible. */
export const orderIdOf = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** A small seeded generator (mulberry32): the same seed gives the same history. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
