import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryEvent, inventoryStream } from '../../../domain/inventory/index.ts';
import { productEvent, productStream } from '../../../domain/product/index.ts';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../../support/test-app.ts';

/**
 * Two processes writing the same streams: each keeps the folded state of the streams it wrote last, so
 * each one's view goes stale when the other writes. Their answers must still follow the stored events.
 */
describe('two app processes writing the same streams', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    [first, second] = await Promise.all([startTestApp(), startTestApp()]);
  });
  afterAll(() => Promise.all([first.close(), second.close()]));

  const positionOf = (answer: { json(): unknown }) => (answer.json() as { position: string }).position;

  it('decide on what is stored, not on what one of them wrote last', async () => {
    const sku = uniqueSku('TWO');
    expect((await postJson(first.app, '/products', { sku, name: 'Shared', price: 100, currency: 'EUR' })).statusCode).toBe(201);
    const repriced = await postJson(second.app, `/products/${sku}/price`, { price: 200 });
    expect(repriced.statusCode).toBe(200);

    // The first still remembers price 100: deciding on that would record a second change to 200.
    const again = await postJson(first.app, `/products/${sku}/price`, { price: 200 });
    expect(again.statusCode).toBe(200);
    expect(positionOf(again)).toBe(positionOf(repriced));
    const stored = await first.eventStore.readStream(productStream(sku), (event) => productEvent.parse(event));
    expect(stored.events.map((event) => event.type)).toEqual(['ProductAdded', 'ProductPriceChanged']);

    expect((await postJson(second.app, '/products', { sku, name: 'Again', price: 1, currency: 'EUR' })).statusCode).toBe(409);
  });

  it('lose no receipt when they take turns on one sku', async () => {
    const sku = uniqueSku('TURNS');
    await postJson(first.app, '/products', { sku, name: 'Turns', price: 100, currency: 'EUR' });
    const turns = [first, first, second, first, second, second, first];
    for (const [index, app] of turns.entries()) {
      const answer = await postJson(app.app, `/inventory/${sku}/receipts`, { quantity: index + 1 });
      expect(answer.statusCode).toBe(200);
    }
    const stored = await second.eventStore.readStream(inventoryStream(sku), (event) => inventoryEvent.parse(event));
    expect(stored.events.map((event) => (event.decoded.type === 'StockReceived' ? event.decoded.data.quantity : 0))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
