import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryStream } from '../../../domain/inventory/index.ts';
import { orderStream } from '../../../domain/order/index.ts';
import { productStream } from '../../../domain/product/index.ts';
import { postJson, startTestApp, stockedProduct, uniqueSku, type TestApp } from '../../support/test-app.ts';

/**
 * DESIGN §3: every event's metadata carries correlationId (the HTTP request's id, also answered in
 * x-correlation-id), causationId and, when the client sent one, idempotencyKey. Logs carry the same ids
 * and never the payment token.
 */

const logLines: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp({ logStream, logLevel: 'trace' });
});
afterAll(() => testApp?.close());

const app = () => testApp.app;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function lastEventOf(stream: string) {
  const read = await testApp.eventStore.readStream(stream, (event) => event);
  const last = read.events.at(-1);
  if (!last) throw new Error(`no events in ${stream}`);
  return last;
}

const correlationIdOf = (response: LightMyRequestResponse) => response.headers['x-correlation-id'] as string;

describe('event metadata', () => {
  it('carries the request id as correlationId on every command route, and the Idempotency-Key when sent', async () => {
    const sku = uniqueSku();
    const key = () => `key-${randomUUID()}`;
    const keys = [key(), key(), key(), key(), key()];

    const added = await postJson(app(), '/products', { sku, name: 'Mug', price: 500, currency: 'EUR' }, { 'idempotency-key': keys[0]! });
    const addedEvent = await lastEventOf(productStream(sku));
    const priced = await postJson(app(), `/products/${sku}/price`, { price: 600 }, { 'idempotency-key': keys[1]! });
    const pricedEvent = await lastEventOf(productStream(sku));
    const received = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 9 }, { 'idempotency-key': keys[2]! });
    const receivedEvent = await lastEventOf(inventoryStream(sku));
    const placed = await postJson(
      app(),
      '/orders',
      { customerId: 'c-1', lines: [{ sku, quantity: 1 }], payment: { token: 'tok_ok' } },
      { 'idempotency-key': keys[3]! },
    );
    const { orderId } = placed.json<{ orderId: string }>();
    const placedEvent = await lastEventOf(orderStream(orderId));
    const cancelled = await postJson(app(), `/orders/${orderId}/cancel`, {}, { 'idempotency-key': keys[4]! });
    const cancelledEvent = await lastEventOf(orderStream(orderId));

    const responses = [added, priced, received, placed, cancelled];
    expect(responses.map((response) => response.statusCode)).toEqual([201, 200, 200, 201, 202]);
    const events = [addedEvent, pricedEvent, receivedEvent, placedEvent, cancelledEvent];
    expect(events.map((event) => event.type)).toEqual([
      'ProductAdded',
      'ProductPriceChanged',
      'StockReceived',
      'OrderPlaced',
      'OrderCancellationRequested',
    ]);
    events.forEach((event, index) => {
      const correlationId = correlationIdOf(responses[index]!);
      expect(correlationId).toMatch(uuidPattern);
      expect(event.metadata).toEqual({ correlationId, causationId: expect.any(String), idempotencyKey: keys[index] });
      expect((event.metadata.causationId as string).length).toBeGreaterThan(0);
    });
    expect(new Set(responses.map(correlationIdOf)).size).toBe(5);
  });

  it('has no idempotencyKey when the client sent none', async () => {
    const sku = await stockedProduct(app(), { quantity: 0 });
    const response = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 2 });

    const event = await lastEventOf(inventoryStream(sku));
    expect(event.metadata).toEqual({ correlationId: correlationIdOf(response), causationId: expect.any(String) });
  });

  it("takes the client's own x-correlation-id, answers it back and stores it", async () => {
    const sku = await stockedProduct(app(), { quantity: 0 });
    const given = `flow-${randomUUID()}`;
    const response = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 2 }, { 'x-correlation-id': given });

    expect(response.statusCode).toBe(200);
    expect(correlationIdOf(response)).toBe(given);
    expect((await lastEventOf(inventoryStream(sku))).metadata).toMatchObject({ correlationId: given });
  });

  it.each([
    ['with a space', 'my flow'],
    ['with an escape character', 'flow\u001b[31m'],
    ['of 129 characters', 'f'.repeat(129)],
  ])('replaces an x-correlation-id %s by an id of its own', async (_label, given) => {
    const sku = await stockedProduct(app(), { quantity: 0 });
    const response = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 2 }, { 'x-correlation-id': given });

    expect(response.statusCode).toBe(200);
    const correlationId = correlationIdOf(response);
    expect(correlationId).toMatch(uuidPattern);
    expect((await lastEventOf(inventoryStream(sku))).metadata).toMatchObject({ correlationId });
  });
});

describe('logs', () => {
  it('carry the correlation id, and never the payment token, whatever becomes of the order', async () => {
    const token = `tok_secret_${randomUUID().replaceAll('-', '')}`;
    const sku = await stockedProduct(app());
    const order = (change: Record<string, unknown> = {}) => ({
      customerId: 'c-1',
      lines: [{ sku, quantity: 1 }],
      payment: { token },
      ...change,
    });
    const key = randomUUID();
    logLines.length = 0;

    const placed = await postJson(app(), '/orders', order(), { 'idempotency-key': key });
    const replayed = await postJson(app(), '/orders', order(), { 'idempotency-key': key });
    const reused = await postJson(app(), '/orders', order({ customerId: 'c-2' }), { 'idempotency-key': key });
    const unknownSku = await postJson(app(), '/orders', order({ lines: [{ sku: uniqueSku('NONE'), quantity: 1 }] }));
    const invalid = await postJson(app(), '/orders', order({ lines: [{ sku, quantity: 0 }] }));
    const badToken = await postJson(app(), '/orders', order({ payment: { token: `${token} x` } }));
    const badJson = await app().inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(order()).slice(0, -2),
    });

    expect([placed, replayed, reused, unknownSku, invalid, badToken, badJson].map((r) => r.statusCode)).toEqual([
      201, 201, 422, 404, 400, 400, 400,
    ]);
    // The logs were captured, per request, with the id the client was given.
    const entries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const response of [placed, unknownSku, invalid, badJson]) {
      expect(entries.some((entry) => entry.correlationId === correlationIdOf(response))).toBe(true);
    }
    expect(logLines.filter((line) => line.includes(token))).toEqual([]);
    // The token does travel to payments in the event: that is where it belongs.
    const { orderId } = placed.json<{ orderId: string }>();
    expect((await lastEventOf(orderStream(orderId))).data).toMatchObject({ payment: { token } });
  });
});
