import { productNotFound } from '../../domain/product/errors.ts';
import type { PricedOrderLine } from '../../domain/order/index.ts';
import type { EventStore } from '../../infra/event-store/index.ts';
import { readProduct } from '../catalog/read-product.ts';

/**
 * Prices each line from its product stream as it is now: the client never sends prices. Lines
 * keep their catalog currency so the order decider, not this function, judges a mix of them.
 */
export async function priceOrderLines(
  eventStore: EventStore,
  lines: ReadonlyArray<{ sku: string; quantity: number }>,
): Promise<PricedOrderLine[]> {
  const products = await Promise.all(lines.map((line) => readProduct(eventStore, line.sku)));
  return lines.map((line, index) => {
    const product = products[index]!;
    if (product.status === 'empty') throw productNotFound(line.sku);
    return { sku: line.sku, quantity: line.quantity, unitPrice: product.price, currency: product.currency };
  });
}
