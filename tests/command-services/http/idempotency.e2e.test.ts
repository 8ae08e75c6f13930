import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryStream } from '../../../domain/inventory/index.ts';
import { orderStream } from '../../../domain/order/index.ts';
import { productStream } from '../../../domain/product/index.ts';
import { postJson, startTestApp, stockedProduct, uniqueSku, type TestApp } from '../../support/test-app.ts';

/** DESIGN §3: the same key and body answer what the first request answered, appending nothing, also after a restart. */

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp?.close());

const app = () => testApp.app;
const typesIn = async (stream: string) => (await testApp.eventStore.readStream(stream, (event) => event)).events.map((e) => e.type);

/** What a client keeps of an answer: a replay must equal the first, the replay marker aside. */
const answerOf = (response: LightMyRequestResponse) => ({
  status: response.statusCode,
  body: response.body,
  position: response.headers['es-position'],
  location: response.headers.location,
  contentType: response.headers['content-type'],
});

/** How many times this app's command path ran `command` with `result`, from /metrics (0 when never). */
async function commandsCounted(command: string, result: string): Promise<number> {
  const text = (await app().inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((candidate) => {
    if (!candidate.startsWith('commands_total{')) return false;
    return candidate.includes(`command="${command}"`) && candidate.includes(`result="${result}"`);
  });
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const orderRequest = (sku: string) => ({ customerId: 'customer-1', lines: [{ sku, quantity: 2 }], payment: { token: 'tok_ok' } });

describe('a command sent 20 times at once with one Idempotency-Key and body', () => {
  it('places one order, and all 20 get the same answer (status, body, ES-Position)', async () => {
    const sku = await stockedProduct(app());
    const key = randomUUID();
    const placedBefore = await commandsCounted('PlaceOrder', 'appended');
    const noOpsBefore = await commandsCounted('PlaceOrder', 'no_op');

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => postJson(app(), '/orders', orderRequest(sku), { 'idempotency-key': key })),
    );

    const answers = responses.map(answerOf);
    expect(answers[0]).toMatchObject({ status: 201, position: expect.stringMatching(/^[1-9][0-9]*$/) });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    const { orderId, position } = responses[0]!.json<{ orderId: string; position: string }>();
    expect(position).toBe(answers[0]!.position);
    expect(await typesIn(orderStream(orderId))).toEqual(['OrderPlaced']);
    expect((await commandsCounted('PlaceOrder', 'appended')) - placedBefore).toBe(1);
    expect(await commandsCounted('PlaceOrder', 'no_op')).toBe(noOpsBefore);
  });

  it('receives stock once on a stream many requests write to', async () => {
    const sku = await stockedProduct(app(), { quantity: 0 });
    const key = randomUUID();

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => postJson(app(), `/inventory/${sku}/receipts`, { quantity: 7 }, { 'idempotency-key': key })),
    );

    const answers = responses.map(answerOf);
    expect(answers[0]?.status).toBe(200);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(await typesIn(inventoryStream(sku))).toEqual(['StockReceived']);
  });
});

describe('a key already used', () => {
  it('with another body is refused with 422 idempotency_key_reused, appending nothing', async () => {
    const sku = await stockedProduct(app(), { quantity: 0 });
    const key = randomUUID();
    const first = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 5 }, { 'idempotency-key': key });
    const other = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 6 }, { 'idempotency-key': key });

    expect(first.statusCode).toBe(200);
    expect({ status: other.statusCode, body: other.json() }).toEqual({
      status: 422,
      body: { error: 'idempotency_key_reused', message: expect.any(String) },
    });
    expect(await typesIn(inventoryStream(sku))).toEqual(['StockReceived']);
  });

  it('with the same body spelt differently (key order, spacing) is the same request', async () => {
    const sku = await stockedProduct(app());
    const key = randomUUID();
    const first = await postJson(app(), '/orders', orderRequest(sku), { 'idempotency-key': key });
    const reordered = await app().inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      payload: `{ "payment": {"token":"tok_ok"}, "lines": [ {"quantity":2, "sku":"${sku}"} ], "customerId": "customer-1" }`,
    });

    expect(answerOf(reordered)).toEqual(answerOf(first));
    expect(reordered.headers['idempotent-replayed']).toBe('true');
  });

  it('on another route (or another sku of the same route) is another key', async () => {
    const [one, two] = await Promise.all([stockedProduct(app(), { quantity: 0 }), stockedProduct(app(), { quantity: 0 })]);
    const key = randomUUID();
    const answers = await Promise.all([
      postJson(app(), `/inventory/${one}/receipts`, { quantity: 3 }, { 'idempotency-key': key }),
      postJson(app(), `/inventory/${two}/receipts`, { quantity: 3 }, { 'idempotency-key': key }),
      postJson(app(), `/products/${one}/price`, { price: 999 }, { 'idempotency-key': key }),
    ]);

    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200]);
    expect(answers.map((answer) => answer.headers['idempotent-replayed'])).toEqual([undefined, undefined, undefined]);
    expect(await typesIn(inventoryStream(one))).toEqual(['StockReceived']);
    expect(await typesIn(inventoryStream(two))).toEqual(['StockReceived']);
    expect(await typesIn(productStream(one))).toEqual(['ProductAdded', 'ProductPriceChanged']);
  });

  it('keeps a 404 (a decision): the same request answers 404 even once the product exists', async () => {
    const sku = uniqueSku('LATER');
    const key = randomUUID();
    const before = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 4 }, { 'idempotency-key': key });
    await stockedProduct(app(), { sku, quantity: 0 });
    const again = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 4 }, { 'idempotency-key': key });
    const withAnotherKey = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 4 }, { 'idempotency-key': randomUUID() });

    expect(before.statusCode).toBe(404);
    expect(answerOf(again)).toEqual(answerOf(before));
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(withAnotherKey.statusCode).toBe(200);
    expect(await typesIn(inventoryStream(sku))).toEqual(['StockReceived']);
  });

  it('does not keep a 400: the key is still free for a valid request', async () => {
    const sku = await stockedProduct(app(), { quantity: 0 });
    const key = randomUUID();
    const invalid = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 0 }, { 'idempotency-key': key });
    const valid = await postJson(app(), `/inventory/${sku}/receipts`, { quantity: 1 }, { 'idempotency-key': key });

    expect([invalid.statusCode, valid.statusCode]).toEqual([400, 200]);
    expect(valid.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('after the app restarts on the same database', () => {
  it('answers the stored answer to the same key and body, appending nothing and running no command', async () => {
    const sku = await stockedProduct(app());
    const key = randomUUID();
    const cancelKey = randomUUID();
    const first = await postJson(app(), '/orders', orderRequest(sku), { 'idempotency-key': key });
    const { orderId } = first.json<{ orderId: string }>();
    const cancelled = await postJson(app(), `/orders/${orderId}/cancel`, { reason: 'oops' }, { 'idempotency-key': cancelKey });
    expect([first.statusCode, cancelled.statusCode]).toEqual([201, 202]);

    testApp = await testApp.restart();

    const again = await postJson(app(), '/orders', orderRequest(sku), { 'idempotency-key': key });
    const cancelledAgain = await postJson(app(), `/orders/${orderId}/cancel`, { reason: 'oops' }, { 'idempotency-key': cancelKey });
    const otherBody = await postJson(app(), '/orders', { ...orderRequest(sku), customerId: 'customer-2' }, { 'idempotency-key': key });

    expect(answerOf(again)).toEqual(answerOf(first));
    expect(answerOf(cancelledAgain)).toEqual(answerOf(cancelled));
    expect([again.headers['idempotent-replayed'], cancelledAgain.headers['idempotent-replayed']]).toEqual(['true', 'true']);
    expect(otherBody.statusCode).toBe(422);
    expect(otherBody.json()).toMatchObject({ error: 'idempotency_key_reused' });
    expect(await typesIn(orderStream(orderId))).toEqual(['OrderPlaced', 'OrderCancellationRequested']);
    // The rebuilt app never ran a command: every answer came from the database.
    expect(await commandsCounted('PlaceOrder', 'appended')).toBe(0);
    expect(await commandsCounted('PlaceOrder', 'no_op')).toBe(0);
    expect(await commandsCounted('RequestOrderCancellation', 'no_op')).toBe(0);
  });
});
