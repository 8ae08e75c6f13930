import { productDecider, productEvent, productStream, type ProductState } from '../../domain/product/index.ts';
import type { EventStore } from '../../infra/event-store/index.ts';

/** The catalog entry as its stream tells it now: what other services price and check against. */
export async function readProduct(eventStore: EventStore, sku: string): Promise<ProductState> {
  const stream = await eventStore.readStream(productStream(sku), (event) => productEvent.parse(event));
  return stream.events.reduce((state, event) => productDecider.evolve(state, event.decoded), productDecider.initialState);
}
