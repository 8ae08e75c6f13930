import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, type FreshDatabase } from '../postgres/fresh-database.ts';
import { testEnvironment } from '../support/environment.ts';
import { hostAndPort, startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../support/test-app.ts';

/** DESIGN §6: the database unreachable → 503 with Retry-After, in bounded time; and back to normal after. */
describe('the query API with its database unreachable', () => {
  let database: FreshDatabase;
  let proxy: TcpProxy;
  let system: TestApp;
  beforeAll(async () => {
    database = await createFreshDatabase(testEnvironment().databaseUrl, 'query_db_down');
    proxy = await startTcpProxy(hostAndPort(database.url));
    const proxied = new URL(database.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    system = await startTestApp({
      database: { url: proxied.toString(), drop: () => Promise.resolve() },
      services: ['catalog', 'query'],
      readYourWritesTimeoutMs: 1_000,
    });
  });
  afterAll(async () => {
    await proxy.up();
    await system.close();
    await proxy.close();
    await database.drop();
  });

  it('answers 503 database_unavailable with Retry-After, and serves again once it is back', async () => {
    const sku = uniqueSku();
    const added = await postJson(system.app, '/products', { sku, name: 'Down', price: 1, currency: 'EUR' });
    expect(added.statusCode).toBe(201);
    await proxy.down();

    for (const request of [
      { url: `/products/${sku}` },
      { url: '/orders?limit=5' },
      { url: `/products/${sku}`, headers: { 'es-min-position': (added.json() as { position: string }).position } },
      { url: '/projections' },
    ]) {
      const answer = await system.app.inject(request);
      expect(answer.statusCode, request.url).toBe(503);
      expect(answer.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
      expect(answer.json()).toMatchObject({ error: 'database_unavailable' });
    }
    const ready = await system.app.inject('/health/ready');
    expect(ready.json()).toMatchObject({ checks: { database: 'unavailable' } });

    await proxy.up();
    // No projection runs here: the product is not in the read model, but the database answers again.
    const back = await system.app.inject(`/products/${sku}`);
    expect(back.statusCode).toBe(404);
  });
});
