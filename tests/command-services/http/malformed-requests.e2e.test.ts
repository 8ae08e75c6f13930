import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryStream } from '../../../domain/inventory/index.ts';
import { orderStream } from '../../../domain/order/index.ts';
import { productStream } from '../../../domain/product/index.ts';
import { postJson, startTestApp, stockedProduct, uniqueSku, type TestApp } from '../../support/test-app.ts';

/**
 * DESIGN §6: bad input is 400 (oversize 413), never a 5xx; every error has the envelope
 * {error, message, details?}, and a validation error's details name the field. Each case mutates a
 * request that is accepted as it stands (see the first test), so it fails if the check is missing.
 */

let testApp: TestApp;
const SKU = uniqueSku('TABLE');
let orderId: string;
beforeAll(async () => {
  testApp = await startTestApp();
  await stockedProduct(testApp.app, { sku: SKU, price: 700, quantity: 10 });
  const placed = await postJson(testApp.app, '/orders', order());
  orderId = placed.json<{ orderId: string }>().orderId;
});
afterAll(() => testApp?.close());

// Valid requests, and what each case changes in them.
const product = (change: Record<string, unknown> = {}) => ({ sku: uniqueSku('NEW'), name: 'Blue mug', price: 100, currency: 'EUR', ...change });
const line = (change: Record<string, unknown> = {}) => ({ sku: SKU, quantity: 1, ...change });
function order(change: Record<string, unknown> = {}) {
  return { customerId: 'customer-1', lines: [line()], payment: { token: 'tok_ok' }, ...change };
}
const without = (body: Record<string, unknown>, field: string) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== field));

const products = '/products';
const price = () => `/products/${SKU}/price`;
const receipts = () => `/inventory/${SKU}/receipts`;
const orders = '/orders';
const cancel = () => `/orders/${orderId}/cancel`;

interface Case {
  name: string;
  url: string | (() => string);
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, instead of `body`. */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string | string[]>;
  status: 400 | 404 | 413 | 415;
  error: string;
  /** The details entry that names the field. */
  path?: string;
  /** A word that message must contain (the name of an unknown field, which zod reports on its parent). */
  mentions?: string;
}

const controlCharacters = [
  ['NUL', '\u0000'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['NEL', '\u0085'],
] as const;

const invalid = (name: string, url: Case['url'], body: unknown, path: string, mentions?: string): Case => ({
  name,
  url,
  body,
  status: 400,
  error: 'validation_failed',
  path,
  ...(mentions === undefined ? {} : { mentions }),
});
const rawJson = (name: string, url: Case['url'], raw: string, path: string): Case => ({ name, url, raw, status: 400, error: 'validation_failed', path });

const cases: Case[] = [
  // POST /products: bounds ±1, types, unknown fields, control characters, huge numbers
  invalid('products: sku of 65 characters', products, product({ sku: 'S'.repeat(65) }), 'body.sku'),
  invalid('products: empty sku', products, product({ sku: '' }), 'body.sku'),
  invalid('products: sku with a slash', products, product({ sku: 'a/b' }), 'body.sku'),
  invalid('products: sku with a NUL', products, product({ sku: 'a\u0000b' }), 'body.sku'),
  invalid('products: sku as a number', products, product({ sku: 12345 }), 'body.sku'),
  invalid('products: name of 201 characters', products, product({ name: 'n'.repeat(201) }), 'body.name'),
  invalid('products: empty name', products, product({ name: '' }), 'body.name'),
  invalid('products: name as an array', products, product({ name: ['Blue mug'] }), 'body.name'),
  invalid('products: name with a lone surrogate', products, product({ name: 'mug \ud800' }), 'body.name'),
  ...controlCharacters.map(([label, char]) => invalid(`products: name with ${label}`, products, product({ name: `Blue${char}mug` }), 'body.name')),
  invalid('products: price 0', products, product({ price: 0 }), 'body.price'),
  invalid('products: price 10^9 + 1', products, product({ price: 1_000_000_001 }), 'body.price'),
  invalid('products: negative price', products, product({ price: -100 }), 'body.price'),
  invalid('products: price as a float', products, product({ price: 12.5 }), 'body.price'),
  invalid('products: price as a string', products, product({ price: '100' }), 'body.price'),
  invalid('products: price 1e308', products, product({ price: 1e308 }), 'body.price'),
  invalid('products: price null', products, product({ price: null }), 'body.price'),
  rawJson('products: price 2^53 + 1', products, `{"sku":"${uniqueSku()}","name":"n","price":9007199254740993,"currency":"EUR"}`, 'body.price'),
  rawJson('products: price 1e400 (Infinity)', products, `{"sku":"${uniqueSku()}","name":"n","price":1e400,"currency":"EUR"}`, 'body.price'),
  invalid('products: lower-case currency', products, product({ currency: 'eur' }), 'body.currency'),
  invalid('products: currency missing', products, without(product(), 'currency'), 'body.currency'),
  invalid('products: unknown field', products, product({ stock: 5 }), 'body', 'stock'),
  invalid('products: null body', products, null, 'body'),
  invalid('products: array body', products, [product()], 'body'),
  invalid('products: string body', products, 'Blue mug', 'body'),
  { name: 'products: bad JSON', url: products, raw: '{"sku": "A-1", "name":', status: 400, error: 'invalid_json' },
  { name: 'products: empty body with a JSON content type', url: products, raw: '', status: 400, error: 'empty_body' },
  // The app speaks JSON only: a JSON text sent as text/plain is an unsupported media type.
  { name: 'products: text/plain', url: products, raw: JSON.stringify(product()), contentType: 'text/plain', status: 415, error: 'unsupported_media_type' },
  { name: 'products: form body', url: products, raw: 'sku=A-1&name=mug&price=100&currency=EUR', contentType: 'application/x-www-form-urlencoded', status: 415, error: 'unsupported_media_type' },
  { name: 'products: XML body', url: products, raw: '<product/>', contentType: 'application/xml', status: 415, error: 'unsupported_media_type' },
  { name: 'products: a __proto__ key', url: products, raw: '{"sku":"A-1","name":"n","price":1,"currency":"EUR","__proto__":{"admin":true}}', status: 400, error: 'invalid_json' },
  { name: 'products: a constructor.prototype key', url: products, raw: '{"sku":"A-1","name":"n","price":1,"currency":"EUR","constructor":{"prototype":{"admin":true}}}', status: 400, error: 'invalid_json' },
  rawJson('products: 100,000 nested arrays as the body', products, `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'body'),
  rawJson('products: 100,000 nested arrays as the name', products, `{"sku":"A-1","name":${'['.repeat(100_000)}${']'.repeat(100_000)},"price":1,"currency":"EUR"}`, 'body.name'),
  { name: 'products: a JSON-like media type', url: products, raw: JSON.stringify(product()), contentType: 'application/vnd.api+json', status: 415, error: 'unsupported_media_type' },
  { name: 'products: body over 256 KiB', url: products, body: product({ name: 'n'.repeat(300 * 1024) }), status: 413, error: 'payload_too_large' },

  // POST /products/:sku/price
  invalid('price: sku of 65 characters in the path', `/products/${'S'.repeat(65)}/price`, { price: 100 }, 'params.sku'),
  invalid('price: sku with "$" in the path', '/products/A%24B/price', { price: 100 }, 'params.sku'),
  invalid('price: sku with a NUL in the path', '/products/A%00B/price', { price: 100 }, 'params.sku'),
  invalid('price: non-ASCII sku in the path', '/products/%E2%82%AC/price', { price: 100 }, 'params.sku'),
  invalid('price: price 0', price, { price: 0 }, 'body.price'),
  invalid('price: price 10^9 + 1', price, { price: 1_000_000_001 }, 'body.price'),
  invalid('price: price as a string', price, { price: '900' }, 'body.price'),
  invalid('price: price as a float', price, { price: 9.99 }, 'body.price'),
  invalid('price: price missing', price, {}, 'body.price'),
  invalid('price: unknown field', price, { price: 900, currency: 'USD' }, 'body', 'currency'),
  { name: 'price: empty body with a JSON content type', url: price, raw: '', status: 400, error: 'empty_body' },

  // POST /inventory/:sku/receipts
  invalid('receipts: quantity 0', receipts, { quantity: 0 }, 'body.quantity'),
  invalid('receipts: quantity 10^6 + 1', receipts, { quantity: 1_000_001 }, 'body.quantity'),
  invalid('receipts: negative quantity', receipts, { quantity: -1 }, 'body.quantity'),
  invalid('receipts: quantity as a float', receipts, { quantity: 2.5 }, 'body.quantity'),
  invalid('receipts: quantity as a string', receipts, { quantity: '3' }, 'body.quantity'),
  invalid('receipts: quantity as a boolean', receipts, { quantity: true }, 'body.quantity'),
  invalid('receipts: quantity 1e308', receipts, { quantity: 1e308 }, 'body.quantity'),
  rawJson('receipts: quantity 2^53 + 1', receipts, '{"quantity":9007199254740993}', 'body.quantity'),
  invalid('receipts: unknown field', receipts, { quantity: 1, warehouse: 'north' }, 'body', 'warehouse'),
  invalid('receipts: sku of 65 characters in the path', `/inventory/${'S'.repeat(65)}/receipts`, { quantity: 1 }, 'params.sku'),
  invalid('receipts: sku with a space in the path', '/inventory/A%20B/receipts', { quantity: 1 }, 'params.sku'),
  invalid('receipts: null body', receipts, null, 'body'),
  invalid('receipts: array body', receipts, [{ quantity: 1 }], 'body'),
  { name: 'receipts: bad JSON', url: receipts, raw: '{quantity: 1}', status: 400, error: 'invalid_json' },
  { name: 'receipts: form body', url: receipts, raw: 'quantity=1', contentType: 'application/x-www-form-urlencoded', status: 415, error: 'unsupported_media_type' },

  // POST /orders
  invalid('orders: customerId of 101 characters', orders, order({ customerId: 'c'.repeat(101) }), 'body.customerId'),
  invalid('orders: empty customerId', orders, order({ customerId: '' }), 'body.customerId'),
  invalid('orders: customerId as a number', orders, order({ customerId: 42 }), 'body.customerId'),
  ...controlCharacters.map(([label, char]) =>
    invalid(`orders: customerId with ${label}`, orders, order({ customerId: `customer${char}1` }), 'body.customerId'),
  ),
  invalid('orders: no lines', orders, order({ lines: [] }), 'body.lines'),
  invalid(
    'orders: 101 lines',
    orders,
    order({ lines: Array.from({ length: 101 }, (_, index) => line({ sku: `${SKU}-${index}` })) }),
    'body.lines',
  ),
  invalid('orders: the same sku on two lines', orders, order({ lines: [line(), line({ quantity: 2 })] }), 'body.lines.1.sku'),
  invalid('orders: lines as an object', orders, order({ lines: { [SKU]: 1 } }), 'body.lines'),
  invalid('orders: lines null', orders, order({ lines: null }), 'body.lines'),
  invalid('orders: line quantity 0', orders, order({ lines: [line({ quantity: 0 })] }), 'body.lines.0.quantity'),
  invalid('orders: line quantity 10^6 + 1', orders, order({ lines: [line({ quantity: 1_000_001 })] }), 'body.lines.0.quantity'),
  invalid('orders: line quantity as a string', orders, order({ lines: [line({ quantity: '1' })] }), 'body.lines.0.quantity'),
  invalid('orders: line quantity as a float', orders, order({ lines: [line({ quantity: 1.5 })] }), 'body.lines.0.quantity'),
  invalid('orders: negative line quantity', orders, order({ lines: [line({ quantity: -2 })] }), 'body.lines.0.quantity'),
  invalid('orders: line sku of 65 characters', orders, order({ lines: [line({ sku: 'S'.repeat(65) })] }), 'body.lines.0.sku'),
  invalid('orders: line without a sku', orders, order({ lines: [{ quantity: 1 }] }), 'body.lines.0.sku'),
  invalid('orders: unknown field at the top', orders, order({ total: 700 }), 'body', 'total'),
  invalid('orders: unknown field in a line', orders, order({ lines: [line({ unitPrice: 1 })] }), 'body.lines.0', 'unitPrice'),
  invalid('orders: unknown field in payment', orders, order({ payment: { token: 'tok_ok', cvv: '123' } }), 'body.payment', 'cvv'),
  invalid('orders: payment missing', orders, without(order(), 'payment'), 'body.payment'),
  invalid('orders: payment token with a space', orders, order({ payment: { token: 'tok ok' } }), 'body.payment.token'),
  invalid('orders: payment token of 256 characters', orders, order({ payment: { token: 't'.repeat(256) } }), 'body.payment.token'),
  ...controlCharacters.map(([label, char]) =>
    invalid(`orders: payment token with ${label}`, orders, order({ payment: { token: `tok${char}ok` } }), 'body.payment.token'),
  ),
  rawJson('orders: line quantity 2^53 + 1', orders, `{"customerId":"c","lines":[{"sku":"${SKU}","quantity":9007199254740993}],"payment":{"token":"t"}}`, 'body.lines.0.quantity'),
  invalid('orders: string body', orders, 'an order', 'body'),
  { name: 'orders: empty body with a JSON content type', url: orders, raw: '', status: 400, error: 'empty_body' },
  { name: 'orders: bad JSON', url: orders, raw: '{"customerId":"c",}', status: 400, error: 'invalid_json' },

  // POST /orders/:orderId/cancel
  invalid('cancel: order id that is not a UUID', '/orders/12345/cancel', {}, 'params.orderId'),
  invalid('cancel: UUID with a character too many', `/orders/${randomUUID()}0/cancel`, {}, 'params.orderId'),
  invalid('cancel: order id with a NUL', '/orders/%00/cancel', {}, 'params.orderId'),
  invalid('cancel: reason of 501 characters', cancel, { reason: 'r'.repeat(501) }, 'body.reason'),
  ...controlCharacters.map(([label, char]) => invalid(`cancel: reason with ${label}`, cancel, { reason: `too${char}late` }, 'body.reason')),
  invalid('cancel: reason as a number', cancel, { reason: 5 }, 'body.reason'),
  invalid('cancel: unknown field', cancel, { reason: 'late', refund: true }, 'body', 'refund'),
  invalid('cancel: array body', cancel, ['late'], 'body'),
  invalid('cancel: string body', cancel, 'late', 'body'),
  { name: 'cancel: empty body with a JSON content type', url: cancel, raw: '', status: 400, error: 'empty_body' },
  { name: 'cancel: a path below the command', url: () => `${cancel()}/now`, body: {}, status: 404, error: 'route_not_found' },

  // Idempotency-Key: 1 to 255 visible ASCII characters, one header
  ...[
    ['empty', ''],
    ['a space alone', ' '],
    ['with a space', 'key 1'],
    ['of 256 characters', 'k'.repeat(256)],
    ['non-ASCII', 'clé-1'],
    ['with a tab', 'key\t1'],
  ].map(([label, key]): Case => ({
    name: `Idempotency-Key ${label}`,
    url: receipts,
    body: { quantity: 1 },
    headers: { 'idempotency-key': key! },
    status: 400,
    error: 'invalid_idempotency_key',
    path: 'headers.idempotency-key',
  })),
  {
    name: 'two Idempotency-Key headers',
    url: price,
    body: { price: 900 },
    headers: { 'idempotency-key': ['key-1', 'key-2'] },
    status: 400,
    error: 'invalid_idempotency_key',
    path: 'headers.idempotency-key',
  },
  {
    name: 'Idempotency-Key of 256 characters on cancel',
    url: cancel,
    body: {},
    headers: { 'idempotency-key': 'k'.repeat(256) },
    status: 400,
    error: 'invalid_idempotency_key',
    path: 'headers.idempotency-key',
  },
];

function send(testCase: Case) {
  const url = typeof testCase.url === 'function' ? testCase.url() : testCase.url;
  const payload = testCase.raw ?? JSON.stringify(testCase.body);
  return testApp.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': testCase.contentType ?? 'application/json', ...testCase.headers },
  });
}

describe('malformed command requests', () => {
  it('start from requests that are accepted as they stand', async () => {
    const answers = await Promise.all([
      postJson(testApp.app, products, product()),
      postJson(testApp.app, receipts(), { quantity: 1 }, { 'idempotency-key': randomUUID() }),
      postJson(testApp.app, orders, order()),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 200, 201]);
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases)('$name → $status $error', async (testCase) => {
    const response = await send(testCase);

    expect(response.statusCode).toBe(testCase.status);
    const body = response.json<{ error: string; message: string; details?: Array<{ path: string; message: string }> }>();
    expect(body).toEqual({
      error: testCase.error,
      message: expect.any(String),
      ...(body.details === undefined ? {} : { details: expect.any(Array) }),
    });
    expect(body.message.length).toBeGreaterThan(0);
    for (const detail of body.details ?? []) expect(detail).toEqual({ path: expect.any(String), message: expect.any(String) });
    if (testCase.path !== undefined) {
      const naming = body.details?.filter((detail) => detail.path === testCase.path) ?? [];
      expect(naming, JSON.stringify(body.details)).not.toHaveLength(0);
      if (testCase.mentions !== undefined) expect(naming.map((detail) => detail.message).join(' ')).toContain(testCase.mentions);
    }
  });

  it('appended nothing for any of them', async () => {
    const read = (stream: string) => testApp.eventStore.readStream(stream, (event) => event);
    const [productEvents, inventoryEvents, orderEvents] = await Promise.all([
      read(productStream(SKU)),
      read(inventoryStream(SKU)),
      read(orderStream(orderId)),
    ]);
    expect(productEvents.events.map((event) => event.type)).toEqual(['ProductAdded']);
    // The receipt of the setup and the one of the first test.
    expect(inventoryEvents.events.map((event) => event.type)).toEqual(['StockReceived', 'StockReceived']);
    expect(orderEvents.events.map((event) => event.type)).toEqual(['OrderPlaced']);
  });
});
