import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { deriveId } from '../../../command-services/shared/command-context.ts';
import { inventoryEvent, inventoryStream } from '../../../domain/inventory/index.ts';
import { orderEvent, orderStream, type OrderEvent } from '../../../domain/order/index.ts';
import { productEvent, productStream } from '../../../domain/product/index.ts';
import { postJson, startTestApp, stockedProduct, uniqueSku, type TestApp } from '../../support/test-app.ts';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp?.close());

const app = () => testApp.app;
const readProducts = (sku: string) => testApp.eventStore.readStream(productStream(sku), (e) => productEvent.parse(e));
const readInventory = (sku: string) => testApp.eventStore.readStream(inventoryStream(sku), (e) => inventoryEvent.parse(e));
const readOrder = (orderId: string) => testApp.eventStore.readStream(orderStream(orderId), (e) => orderEvent.parse(e));

/** A command answer's position: a decimal string, the same in the body and in ES-Position. */
function positionOf(response: LightMyRequestResponse): bigint {
  const body = response.json<{ position: string }>();
  expect(body.position).toMatch(/^(0|[1-9][0-9]*)$/);
  expect(response.headers['es-position']).toBe(body.position);
  return BigInt(body.position);
}

function expectError(response: LightMyRequestResponse, status: number, error: string) {
  expect({ status: response.statusCode, body: response.json() }).toEqual({
    status,
    body: { error, message: expect.any(String) },
  });
}

/** The order id POST /orders mints for an Idempotency-Key: lets a test look for a stream that must not exist. */
const orderIdFor = (key: string) => deriveId(`POST /orders\u0000${key}`, 'orderId');

/** Appends a verdict to an order stream as the saga would, to make the order terminal. */
async function appendToOrder(orderId: string, event: OrderEvent) {
  await testApp.eventStore.append(
    orderStream(orderId),
    [{ id: randomUUID(), type: event.type, data: event.data, metadata: { correlationId: 'test', causationId: 'test' } }],
    'stream_exists',
  );
}

async function placeOrder(sku: string): Promise<string> {
  const response = await postJson(app(), '/orders', { customerId: 'c-1', lines: [{ sku, quantity: 1 }], payment: { token: 'tok_ok' } });
  expect(response.statusCode).toBe(201);
  return response.json<{ orderId: string }>().orderId;
}

describe('POST /products', () => {
  it('adds a product: 201 with the sku, its Location and the position of ProductAdded', async () => {
    const sku = uniqueSku();
    const response = await postJson(app(), '/products', { sku, name: 'Blue mug', price: 1250, currency: 'EUR' });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ sku, position: expect.any(String) });
    expect(response.headers.location).toBe(`/products/${sku}`);
    const stored = await readProducts(sku);
    expect(stored.events.map((e) => e.decoded)).toEqual([
      { type: 'ProductAdded', data: { sku, name: 'Blue mug', price: 1250, currency: 'EUR' } },
    ]);
    expect(positionOf(response)).toBe(stored.events[0]!.position);
  });

  it('refuses the same sku again with 409 product_already_exists, appending nothing', async () => {
    const sku = uniqueSku();
    await postJson(app(), '/products', { sku, name: 'First', price: 100, currency: 'EUR' });
    const again = await postJson(app(), '/products', { sku, name: 'Second', price: 200, currency: 'USD' });

    expectError(again, 409, 'product_already_exists');
    expect((await readProducts(sku)).events).toHaveLength(1);
  });
});

describe('POST /products/:sku/price', () => {
  it('changes the price: 200 with sku, price and the position of ProductPriceChanged', async () => {
    const sku = await stockedProduct(app(), { price: 1000, quantity: 0 });
    const response = await postJson(app(), `/products/${sku}/price`, { price: 1100 });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ sku, price: 1100, position: expect.any(String) });
    const stored = await readProducts(sku);
    expect(stored.events.map((e) => e.decoded.type)).toEqual(['ProductAdded', 'ProductPriceChanged']);
    expect(stored.events[1]!.decoded.data).toEqual({ sku, price: 1100 });
    expect(positionOf(response)).toBe(stored.events[1]!.position);
  });

  it('records nothing for the price it already has, and answers the position of the last change', async () => {
    const sku = await stockedProduct(app(), { price: 1000, quantity: 0 });
    const changed = await postJson(app(), `/products/${sku}/price`, { price: 1200 });
    const same = await postJson(app(), `/products/${sku}/price`, { price: 1200 });

    expect(same.statusCode).toBe(200);
    expect(same.json()).toEqual({ sku, price: 1200, position: expect.any(String) });
    expect(positionOf(same)).toBe(positionOf(changed));
    expect((await readProducts(sku)).events).toHaveLength(2);
  });

  it('answers 404 product_not_found for a sku not in the catalog, creating no stream', async () => {
    const sku = uniqueSku('NONE');
    const response = await postJson(app(), `/products/${sku}/price`, { price: 500 });

    expectError(response, 404, 'product_not_found');
    expect((await readProducts(sku)).revision).toBe('no_stream');
  });
});

describe('POST /inventory/:sku/receipts', () => {
  it('receives stock of a catalog product: 200 with sku, quantity and the position of StockReceived', async () => {
    const sku = await stockedProduct(app(), { quantity: 0 });
    const response = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 40 });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ sku, quantity: 40, position: expect.any(String) });
    const stored = await readInventory(sku);
    expect(stored.events.map((e) => e.decoded)).toEqual([{ type: 'StockReceived', data: { sku, quantity: 40 } }]);
    expect(positionOf(response)).toBe(stored.events[0]!.position);
  });

  it('answers 404 product_not_found for a sku not in the catalog, receiving nothing', async () => {
    const sku = uniqueSku('NONE');
    const response = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 5 });

    expectError(response, 404, 'product_not_found');
    expect((await readInventory(sku)).revision).toBe('no_stream');
  });
});

describe('POST /orders', () => {
  it('places an order priced from the catalog: 201 with the order id, its Location and the position of OrderPlaced', async () => {
    const mug = await stockedProduct(app(), { price: 1250 });
    const plate = await stockedProduct(app(), { price: 399 });
    const response = await postJson(app(), '/orders', {
      customerId: 'customer-7',
      lines: [
        { sku: mug, quantity: 2 },
        { sku: plate, quantity: 3 },
      ],
      payment: { token: 'tok_ok' },
    });

    expect(response.statusCode).toBe(201);
    const { orderId } = response.json<{ orderId: string }>();
    expect(response.json()).toEqual({ orderId: expect.stringMatching(/^[0-9a-f-]{36}$/), position: expect.any(String) });
    expect(response.headers.location).toBe(`/orders/${orderId}`);
    const stored = await readOrder(orderId);
    expect(stored.events.map((e) => e.decoded)).toEqual([
      {
        type: 'OrderPlaced',
        data: {
          orderId,
          customerId: 'customer-7',
          lines: [
            { sku: mug, quantity: 2, unitPrice: 1250 },
            { sku: plate, quantity: 3, unitPrice: 399 },
          ],
          total: 2 * 1250 + 3 * 399,
          currency: 'EUR',
          payment: { token: 'tok_ok' },
        },
      },
    ]);
    expect(positionOf(response)).toBe(stored.events[0]!.position);
  });

  it('prices with the current catalog price, not the one the product was added with', async () => {
    const sku = await stockedProduct(app(), { price: 1000 });
    await postJson(app(), `/products/${sku}/price`, { price: 800 });
    const orderId = await placeOrder(sku);

    const [placed] = (await readOrder(orderId)).events;
    expect(placed?.decoded).toMatchObject({ type: 'OrderPlaced', data: { lines: [{ sku, quantity: 1, unitPrice: 800 }], total: 800 } });
  });

  it('answers 404 product_not_found when a line names a sku not in the catalog, placing nothing', async () => {
    const known = await stockedProduct(app());
    const key = randomUUID();
    const response = await postJson(
      app(),
      '/orders',
      { customerId: 'c-1', lines: [{ sku: known, quantity: 1 }, { sku: uniqueSku('NONE'), quantity: 1 }], payment: { token: 'tok_ok' } },
      { 'idempotency-key': key },
    );

    expectError(response, 404, 'product_not_found');
    expect((await readOrder(orderIdFor(key))).revision).toBe('no_stream');
  });

  it('answers 422 currency_mismatch for lines priced in different currencies, placing nothing', async () => {
    const euros = await stockedProduct(app(), { currency: 'EUR' });
    const dollars = await stockedProduct(app(), { currency: 'USD' });
    const key = randomUUID();
    const response = await postJson(
      app(),
      '/orders',
      { customerId: 'c-1', lines: [{ sku: euros, quantity: 1 }, { sku: dollars, quantity: 1 }], payment: { token: 'tok_ok' } },
      { 'idempotency-key': key },
    );

    expectError(response, 422, 'currency_mismatch');
    expect((await readOrder(orderIdFor(key))).revision).toBe('no_stream');
  });

  it('answers 422 order_total_too_large for a total beyond exact integers (2^53), placing nothing', async () => {
    const skus = await Promise.all(Array.from({ length: 10 }, () => stockedProduct(app(), { price: 1_000_000_000, quantity: 0 })));
    const key = randomUUID();
    const response = await postJson(
      app(),
      '/orders',
      { customerId: 'c-1', lines: skus.map((sku) => ({ sku, quantity: 1_000_000 })), payment: { token: 'tok_ok' } },
      { 'idempotency-key': key },
    );

    expectError(response, 422, 'order_total_too_large');
    expect((await readOrder(orderIdFor(key))).revision).toBe('no_stream');
  });
});

describe('POST /orders/:orderId/cancel', () => {
  it('asks to cancel a placed order: 202 with the order id and the position of OrderCancellationRequested', async () => {
    const orderId = await placeOrder(await stockedProduct(app()));
    const response = await postJson(app(), `/orders/${orderId}/cancel`, { reason: 'changed my mind' });

    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ orderId, position: expect.any(String) });
    const stored = await readOrder(orderId);
    expect(stored.events.map((e) => e.decoded)).toEqual([
      expect.objectContaining({ type: 'OrderPlaced' }),
      { type: 'OrderCancellationRequested', data: { orderId, reason: 'cancelled_by_customer', note: 'changed my mind' } },
    ]);
    expect(positionOf(response)).toBe(stored.events[1]!.position);
  });

  it('accepts a cancel without a body, and treats asking twice as asking once (same position)', async () => {
    const orderId = await placeOrder(await stockedProduct(app()));
    const first = await app().inject({ method: 'POST', url: `/orders/${orderId}/cancel` });
    const again = await app().inject({ method: 'POST', url: `/orders/${orderId}/cancel` });

    expect([first.statusCode, again.statusCode]).toEqual([202, 202]);
    expect(positionOf(again)).toBe(positionOf(first));
    const stored = await readOrder(orderId);
    expect(stored.events.map((e) => e.decoded)).toEqual([
      expect.objectContaining({ type: 'OrderPlaced' }),
      { type: 'OrderCancellationRequested', data: { orderId, reason: 'cancelled_by_customer' } },
    ]);
  });

  it('answers 404 order_not_found for an order that was never placed', async () => {
    const orderId = randomUUID();
    const response = await postJson(app(), `/orders/${orderId}/cancel`, {});

    expectError(response, 404, 'order_not_found');
    expect((await readOrder(orderId)).revision).toBe('no_stream');
  });

  // The saga's verdicts, as it appends them (a cancellation follows the customer's request).
  it.each([
    { verdict: 'confirmed', error: 'order_already_confirmed', verdicts: (orderId: string): OrderEvent[] => [{ type: 'OrderConfirmed', data: { orderId } }] },
    {
      verdict: 'rejected',
      error: 'order_already_terminal',
      verdicts: (orderId: string): OrderEvent[] => [{ type: 'OrderRejected', data: { orderId, reason: 'out_of_stock' } }],
    },
    {
      verdict: 'cancelled',
      error: 'order_already_terminal',
      verdicts: (orderId: string): OrderEvent[] => [
        { type: 'OrderCancellationRequested', data: { orderId, reason: 'cancelled_by_customer' } },
        { type: 'OrderCancelled', data: { orderId, reason: 'cancelled_by_customer' } },
      ],
    },
  ])('answers 409 $error for an order already $verdict, appending nothing', async ({ verdicts, error }) => {
    const orderId = await placeOrder(await stockedProduct(app()));
    for (const event of verdicts(orderId)) await appendToOrder(orderId, event);
    const before = (await readOrder(orderId)).events.length;

    const response = await postJson(app(), `/orders/${orderId}/cancel`, { reason: 'too late' });

    expectError(response, 409, error);
    expect((await readOrder(orderId)).events).toHaveLength(before);
  });
});
