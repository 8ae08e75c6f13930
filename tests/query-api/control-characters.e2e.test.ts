import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * DESIGN §6: nothing a client sends may produce a 5xx. PostgreSQL text refuses NUL (22021), so a NUL
 * that reaches a query parameter is a 500; other control characters are refused alike at the edge.
 * Each case answers 200 (or 404) without the control character, so it fails if the check is missing.
 */
describe('GETs carrying control characters', () => {
  let reader: TestApp;
  beforeAll(async () => {
    reader = await startTestApp({ services: ['query'] });
  });
  afterAll(() => reader?.close());

  const cases: Array<{ name: string; url: string; path: string; headers?: Record<string, string> }> = [
    { name: 'a NUL in the products cursor', url: '/products?cursor=A%00B', path: 'querystring.cursor' },
    { name: 'a NUL in the inventory cursor', url: '/inventory?cursor=%00', path: 'querystring.cursor' },
    { name: 'an ESC in the products cursor', url: '/products?cursor=A%1BB', path: 'querystring.cursor' },
    { name: 'a NUL in the orders cursor', url: '/orders?cursor=1%00', path: 'querystring.cursor' },
    { name: 'a NUL in customerId', url: '/orders?customerId=c%00', path: 'querystring.customerId' },
    { name: 'a NUL in status', url: '/orders?status=placed%00', path: 'querystring.status' },
    { name: 'a NUL in limit', url: '/products?limit=1%00', path: 'querystring.limit' },
    { name: 'a NUL in minPosition', url: '/products?minPosition=1%00', path: 'querystring.minPosition' },
    { name: 'a NUL in a sku path parameter', url: '/products/A%00B', path: 'params.sku' },
    { name: 'a NUL in an order id path parameter', url: '/orders/%00', path: 'params.orderId' },
    { name: 'a NUL in a payment path parameter', url: '/payments/%00', path: 'params.orderId' },
    { name: 'a NUL in a fulfillment path parameter', url: '/fulfillment/%00', path: 'params.orderId' },
    { name: 'a NUL in a projection name', url: '/projections/%00/retry', path: 'params.name' },
    { name: 'a NUL in ES-Min-Position', url: '/products', path: 'headers.es-min-position', headers: { 'es-min-position': '1\u0000' } },
  ];

  it('answers a plain list and a plain missing resource without control characters', async () => {
    expect((await reader.app.inject('/products?cursor=AB')).statusCode).toBe(200);
    expect((await reader.app.inject('/orders?customerId=c&status=placed&limit=1')).statusCode).toBe(200);
    expect((await reader.app.inject('/products/AB')).statusCode).toBe(404);
  });

  it.each(cases)('answers 400 naming the field for $name', async ({ url, path, headers }) => {
    const method = url.endsWith('/retry') ? 'POST' : 'GET';
    const answer = await reader.app.inject({ method, url, ...(headers ? { headers } : {}) });
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json()).toMatchObject({ error: 'validation_failed', details: expect.arrayContaining([expect.objectContaining({ path })]) });
  });

  it('ignores a correlation id with a NUL instead of failing the request', async () => {
    const answer = await reader.app.inject({ url: '/products', headers: { 'x-correlation-id': 'a\u0000b' } });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-correlation-id']).not.toContain('\u0000');
  });
});
