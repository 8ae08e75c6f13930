import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveId } from '../../../command-services/shared/command-context.ts';
import { orderEvent, orderStream } from '../../../domain/order/index.ts';
import { productEvent, productStream } from '../../../domain/product/index.ts';
import { postJson, startTestApp, stockedProduct, uniqueSku, type TestApp } from '../../support/test-app.ts';

/**
 * Two app processes behind one load balancer (DESIGN §8), each with its own state cache, on one event
 * store. A no-op or a refusal appends nothing, so no expected revision checks the state it was decided
 * on: decided on one process's cached state, after the other changed the stream, it would be wrong.
 * Each case makes `first` remember a state that `second` (or the saga) then moves on.
 */
describe('two app processes, one answering from a stream the other has changed', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    [first, second] = await Promise.all([startTestApp(), startTestApp()]);
  });
  afterAll(() => Promise.all([first?.close(), second?.close()]));

  const positionOf = (answer: { json(): unknown }) => BigInt((answer.json() as { position: string }).position);
  const productEvents = (sku: string) => first.eventStore.readStream(productStream(sku), (event) => productEvent.parse(event));
  const orderEvents = (orderId: string) => first.eventStore.readStream(orderStream(orderId), (event) => orderEvent.parse(event));
  /** The order id POST /orders mints for an Idempotency-Key, so a test can name an order before it exists. */
  const orderIdFor = (key: string) => deriveId(`POST /orders\u0000${key}`, 'orderId');

  it('records a price change back to the price one remembers, instead of answering "already that price" (stale no-op)', async () => {
    const sku = uniqueSku('STALE-NOOP');
    expect((await postJson(first.app, '/products', { sku, name: 'Stale no-op', price: 100, currency: 'EUR' })).statusCode).toBe(201);
    const toTwoHundred = await postJson(second.app, `/products/${sku}/price`, { price: 200 });
    expect(toTwoHundred.statusCode).toBe(200);

    // The first still remembers price 100.
    const backToHundred = await postJson(first.app, `/products/${sku}/price`, { price: 100 });

    expect(backToHundred.statusCode).toBe(200);
    expect(positionOf(backToHundred)).toBeGreaterThan(positionOf(toTwoHundred));
    const stored = await productEvents(sku);
    expect(stored.events.map((event) => event.decoded)).toEqual([
      { type: 'ProductAdded', data: { sku, name: 'Stale no-op', price: 100, currency: 'EUR' } },
      { type: 'ProductPriceChanged', data: { sku, price: 200 } },
      { type: 'ProductPriceChanged', data: { sku, price: 100 } },
    ]);
  });

  it('changes the price of a product the other added since, instead of answering 404 (stale 404, catalog)', async () => {
    const sku = uniqueSku('STALE-404');
    const missing = await postJson(first.app, `/products/${sku}/price`, { price: 150 });
    expect({ status: missing.statusCode, error: missing.json<{ error: string }>().error }).toEqual({ status: 404, error: 'product_not_found' });
    expect((await postJson(second.app, '/products', { sku, name: 'Stale 404', price: 100, currency: 'EUR' })).statusCode).toBe(201);

    // The first remembers the product as missing.
    const repriced = await postJson(first.app, `/products/${sku}/price`, { price: 150 });

    expect(repriced.statusCode).toBe(200);
    const stored = await productEvents(sku);
    expect(stored.events.map((event) => event.type)).toEqual(['ProductAdded', 'ProductPriceChanged']);
  });

  it('takes the cancellation of an order the other placed since, instead of answering 404 (stale 404, orders)', async () => {
    const productSku = await stockedProduct(second.app, { sku: uniqueSku('STALE-ORDER') });
    const key = randomUUID();
    const orderId = orderIdFor(key);
    const missing = await postJson(first.app, `/orders/${orderId}/cancel`, {});
    expect({ status: missing.statusCode, error: missing.json<{ error: string }>().error }).toEqual({ status: 404, error: 'order_not_found' });
    const order = { customerId: 'c-stale', lines: [{ sku: productSku, quantity: 1 }], payment: { token: 'tok_ok' } };
    const placed = await postJson(second.app, '/orders', order, { 'idempotency-key': key });
    expect(placed.json()).toMatchObject({ orderId });

    // The first remembers the order as missing.
    const cancelled = await postJson(first.app, `/orders/${orderId}/cancel`, {});

    expect(cancelled.statusCode).toBe(202);
    const stored = await orderEvents(orderId);
    expect(stored.events.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderCancellationRequested']);
  });

  it('refuses a cancellation once the saga has confirmed the order, instead of answering "already asked" (stale 202 for a 409)', async () => {
    const productSku = await stockedProduct(second.app, { sku: uniqueSku('STALE-409') });
    const order = { customerId: 'c-stale', lines: [{ sku: productSku, quantity: 1 }], payment: { token: 'tok_ok' } };
    const placed = await postJson(second.app, '/orders', order);
    const { orderId } = placed.json<{ orderId: string }>();
    const asked = await postJson(first.app, `/orders/${orderId}/cancel`, {});
    expect(asked.statusCode).toBe(202);
    // The saga, wherever it runs, reaches its verdict first: a verdict wins over a pending request.
    await second.eventStore.append(
      orderStream(orderId),
      [{ id: randomUUID(), type: 'OrderConfirmed', data: { orderId }, metadata: { correlationId: 'saga', causationId: 'saga' } }],
      'stream_exists',
    );

    // The first remembers the order with its cancellation requested, where asking again changes nothing.
    const again = await postJson(first.app, `/orders/${orderId}/cancel`, {});

    expect({ status: again.statusCode, error: again.json<{ error: string }>().error }).toEqual({
      status: 409,
      error: 'order_already_confirmed',
    });
  });
});
