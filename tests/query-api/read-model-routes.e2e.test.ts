import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentStream } from '../../domain/payment/index.ts';
import { postJson, startTestApp, stockedProduct, uniqueSku, type TestApp } from '../support/test-app.ts';

/** The runners start at the beginning of the test run's shared log: on a loaded machine catching up takes a while. */
const catchUpBoundMs = 30_000;

/** GET with ES-Min-Position: the answer reflects every write up to that position. */
const getAfter = (system: TestApp, url: string, position: string) =>
  system.app.inject({ method: 'GET', url, headers: { 'es-min-position': position } });

describe('the query API', () => {
  let system: TestApp;
  let sku: string;
  let otherSku: string;
  const customerId = `customer-${randomUUID()}`;
  const orders: { orderId: string; position: string }[] = [];

  beforeAll(async () => {
    system = await startTestApp({ services: ['catalog', 'inventory', 'orders', 'projections', 'query'] , readYourWritesTimeoutMs: catchUpBoundMs });
    sku = await stockedProduct(system.app, { price: 300, quantity: 5 });
    otherSku = await stockedProduct(system.app, { price: 700, quantity: 1 });
    for (const quantity of [1, 2, 3]) {
      const placed = await postJson(system.app, '/orders', {
        customerId,
        lines: [{ sku, quantity }, ...(quantity === 3 ? [{ sku: otherSku, quantity: 1 }] : [])],
        payment: { token: 'tok_ok' },
      });
      expect(placed.statusCode).toBe(201);
      orders.push(placed.json() as { orderId: string; position: string });
    }
  });
  afterAll(() => system.close());

  it('serves an order as placed, with its lines priced from the catalog and its history', async () => {
    const { orderId, position } = orders[2]!;
    const answer = await getAfter(system, `/orders/${orderId}`, position);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({
      orderId,
      customerId,
      status: 'placed',
      reason: null,
      lines: [
        { sku, quantity: 3, unitPrice: 300 },
        { sku: otherSku, quantity: 1, unitPrice: 700 },
      ],
      total: 1600,
      currency: 'EUR',
      history: [{ status: 'placed', position }],
      position,
    });
  });

  it("lists a customer's orders newest first, page by page, and filters by status", async () => {
    const last = orders.at(-1)!.position;
    const first = await getAfter(system, `/orders?customerId=${customerId}&limit=2`, last);
    expect(first.statusCode).toBe(200);
    const page1 = first.json() as { items: { orderId: string }[]; nextCursor: string | null };
    expect(page1.items.map((order) => order.orderId)).toEqual([orders[2]!.orderId, orders[1]!.orderId]);
    expect(page1.nextCursor).not.toBeNull();

    const second = await system.app.inject(`/orders?customerId=${customerId}&limit=2&cursor=${page1.nextCursor}`);
    expect(second.json()).toEqual({ items: [expect.objectContaining({ orderId: orders[0]!.orderId })], nextCursor: null });

    const confirmed = await system.app.inject(`/orders?customerId=${customerId}&status=confirmed`);
    expect(confirmed.json()).toEqual({ items: [], nextCursor: null });
  });

  it('serves stock and products, single and listed', async () => {
    const receipt = await postJson(system.app, `/inventory/${sku}/receipts`, { quantity: 10 });
    const position = (receipt.json() as { position: string }).position;

    const stock = await getAfter(system, `/inventory/${sku}`, position);
    expect(stock.statusCode).toBe(200);
    expect(stock.json()).toEqual({ sku, onHand: 15, reserved: 0, available: 15, position });

    const product = await system.app.inject(`/products/${sku}?minPosition=${position}`);
    expect(product.statusCode).toBe(200);
    expect(product.json()).toMatchObject({ sku, name: `Product ${sku}`, price: 300, currency: 'EUR' });

    // Lists hold every sku of the shared log: walk them all and find ours exactly once, in sku order.
    for (const list of ['/products', '/inventory']) {
      const seen: string[] = [];
      let url: string | undefined = `${list}?limit=100&minPosition=${position}`;
      while (url) {
        const page = (await system.app.inject(url)).json() as { items: { sku: string }[]; nextCursor: string | null };
        seen.push(...page.items.map((item) => item.sku));
        url = page.nextCursor === null ? undefined : `${list}?limit=100&cursor=${encodeURIComponent(page.nextCursor)}`;
      }
      expect(seen.filter((seenSku) => seenSku === sku || seenSku === otherSku)).toEqual([sku, otherSku].sort());
      expect(seen).toEqual([...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  it("serves an order's payment and fulfillment timeline as their events say", async () => {
    const { orderId } = orders[0]!;
    const appended = await system.eventStore.append(
      paymentStream(orderId),
      [{ id: randomUUID(), type: 'PaymentAuthorized', data: { orderId, amount: 300, currency: 'EUR', providerRef: 'auth_1' }, metadata: {} }],
      'any',
    );
    const payment = await getAfter(system, `/payments/${orderId}`, appended.position.toString());
    expect(payment.statusCode).toBe(200);
    expect(payment.json()).toEqual({ orderId, status: 'authorized', amount: 300, currency: 'EUR', position: appended.position.toString() });

    // No saga runs yet: nothing is known of this order's fulfillment.
    const fulfillment = await getAfter(system, `/fulfillment/${orderId}`, appended.position.toString());
    expect(fulfillment.statusCode).toBe(404);
    expect(fulfillment.json()).toMatchObject({ error: 'fulfillment_not_found' });
  });

  it.each([
    ['/orders/00000000-0000-4000-8000-000000000000', 'order_not_found'],
    [`/inventory/${'NOPE-'}${randomUUID().slice(0, 8)}`, 'stock_not_found'],
    [`/products/NOPE-${randomUUID().slice(0, 8)}`, 'product_not_found'],
    ['/payments/00000000-0000-4000-8000-000000000000', 'payment_not_found'],
    ['/fulfillment/00000000-0000-4000-8000-000000000000', 'fulfillment_not_found'],
  ])('answers 404 for %s', async (url, error) => {
    const answer = await system.app.inject(url);
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toMatchObject({ error });
  });

  it.each([
    ['/orders/not-a-uuid', 'params.orderId'],
    ['/payments/123', 'params.orderId'],
    ['/fulfillment/%00', 'params.orderId'],
    ['/products/bad%20sku', 'params.sku'],
    [`/inventory/${'A'.repeat(65)}`, 'params.sku'],
    ['/orders?limit=0', 'querystring.limit'],
    ['/orders?limit=101', 'querystring.limit'],
    ['/orders?limit=abc', 'querystring.limit'],
    ['/orders?limit=1.5', 'querystring.limit'],
    ['/orders?status=shipped', 'querystring.status'],
    [`/orders?customerId=${'c'.repeat(101)}`, 'querystring.customerId'],
    ['/orders?customerId=%07bell', 'querystring.customerId'],
    ['/orders?cursor=not-a-position', 'querystring.cursor'],
    ['/products?cursor=', 'querystring.cursor'],
    ['/products?sort=name', 'querystring'],
    ['/orders/00000000-0000-4000-8000-000000000000?minPosition=-1', 'querystring.minPosition'],
    ['/orders?minPosition=18446744073709551616', 'querystring.minPosition'],
    ['/inventory?minPosition=1e3', 'querystring.minPosition'],
  ])('answers 400 naming the field for %s', async (url, path) => {
    const answer = await system.app.inject(url);
    expect(answer.statusCode).toBe(400);
    const body = answer.json() as { error: string; details?: { path: string }[] };
    expect(body.error).toBe('validation_failed');
    expect(body.details?.map((detail) => detail.path).join(' ')).toContain(path);
  });

  it.each(['abc', '18446744073709551616', '1, 2', ''])('answers 400 for ES-Min-Position %j', async (header) => {
    const answer = await system.app.inject({ url: `/products/${uniqueSku()}`, headers: { 'es-min-position': header } });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ error: 'validation_failed', details: [{ path: 'headers.es-min-position' }] });
  });
});
