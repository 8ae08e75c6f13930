import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productStream } from '../../domain/product/index.ts';
import { startTestApp, uniqueSku, type TestApp } from '../support/test-app.ts';

describe('two commands of one flow, sent with the same x-correlation-id', () => {
  let system: TestApp;
  beforeAll(async () => {
    system = await startTestApp();
  });
  afterAll(() => system.close());

  it('share the correlation id, and each event is caused by its own request', async () => {
    const sku = uniqueSku('FLOW');
    const headers = { 'x-correlation-id': 'checkout-42' };
    const added = await system.app.inject({
      method: 'POST',
      url: '/products',
      headers,
      payload: { sku, name: 'Flow', price: 5, currency: 'EUR' },
    });
    const repriced = await system.app.inject({ method: 'POST', url: `/products/${sku}/price`, headers, payload: { price: 6 } });
    expect([added.headers['x-correlation-id'], repriced.headers['x-correlation-id']]).toEqual(['checkout-42', 'checkout-42']);

    const stored = await system.eventStore.readStream(productStream(sku), (event) => event);
    const metadata = stored.events.map((event) => event.metadata);
    expect(metadata.map((m) => m.correlationId)).toEqual(['checkout-42', 'checkout-42']);
    expect(metadata[0]!.causationId).not.toEqual(metadata[1]!.causationId);
    expect(metadata[0]!.causationId).not.toEqual('checkout-42');
  });
});
