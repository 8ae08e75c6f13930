import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('the app of npm start', () => {
  let system: TestApp;
  beforeAll(async () => {
    system = await startTestApp({ services: ['catalog', 'inventory', 'orders', 'payments', 'query'] });
  });
  afterAll(() => system.close());

  it('documents every command and query route at /docs from the zod schemas', async () => {
    const answer = await system.app.inject({ method: 'GET', url: '/docs/json' });
    expect(answer.statusCode).toBe(200);
    const paths = (answer.json() as { paths: Record<string, Record<string, unknown>> }).paths;
    for (const route of ['/products', '/products/{sku}/price', '/inventory/{sku}/receipts', '/orders', '/orders/{orderId}/cancel']) {
      expect(paths[route], route).toHaveProperty('post');
    }
    for (const route of ['/orders/{orderId}', '/orders', '/inventory/{sku}', '/inventory', '/products/{sku}', '/products', '/payments/{orderId}', '/fulfillment/{orderId}']) {
      expect(paths[route], route).toHaveProperty('get');
    }
    const addProduct = paths['/products']!.post as { requestBody: { content: Record<string, { schema: { required: string[] } }> } };
    expect(addProduct.requestBody.content['application/json']!.schema.required).toEqual(['sku', 'name', 'price', 'currency']);
  });

  it('serves the UI at /docs and Prometheus text at /metrics', async () => {
    expect((await system.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
    const metrics = await system.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('# TYPE commands_total counter');
  });

  it('answers an unknown route with the error envelope', async () => {
    const answer = await system.app.inject({ method: 'POST', url: '/nowhere' });
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toEqual({ error: 'route_not_found', message: 'No route POST /nowhere.' });
  });
});

describe('a process started with SERVICES=catalog', () => {
  let system: TestApp;
  beforeAll(async () => {
    system = await startTestApp({ services: ['catalog'] });
  });
  afterAll(() => system.close());

  it('serves the catalog routes and none of the others', async () => {
    const product = await system.app.inject({
      method: 'POST',
      url: '/products',
      payload: { sku: `ONLY-${Date.now()}`, name: 'Only', price: 1, currency: 'EUR' },
    });
    expect(product.statusCode).toBe(201);
    const order = await system.app.inject({ method: 'POST', url: '/orders', payload: {} });
    expect(order.statusCode).toBe(404);
    expect(order.json()).toMatchObject({ error: 'route_not_found' });
  });
});
