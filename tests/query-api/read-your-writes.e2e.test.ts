import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestApp, stockedProduct, uniqueSku, type TestApp } from '../support/test-app.ts';

/** The runners start at the beginning of the test run's shared log: on a loaded machine catching up takes a while. */
const catchUpBoundMs = 30_000;

const positionOf = (answer: { json(): unknown }) => (answer.json() as { position: string }).position;

describe('read-your-writes with the projections running', () => {
  let system: TestApp;
  beforeAll(async () => {
    system = await startTestApp({ services: ['catalog', 'inventory', 'orders', 'projections', 'query'] , readYourWritesTimeoutMs: catchUpBoundMs });
  });
  afterAll(() => system.close());

  it('sees a write right after its POST, through ES-Min-Position', async () => {
    const sku = uniqueSku();
    const added = await postJson(system.app, '/products', { sku, name: 'Fresh', price: 100, currency: 'EUR' });
    const answer = await system.app.inject({ url: `/products/${sku}`, headers: { 'es-min-position': positionOf(added) } });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ sku, name: 'Fresh', position: positionOf(added) });
  });

  it('also when the POST touched another read model and nothing else happens after it', async () => {
    const sku = await stockedProduct(system.app, { quantity: 0 });
    const received = await postJson(system.app, `/inventory/${sku}/receipts`, { quantity: 4 });
    // The products projection drops StockReceived: its checkpoint must still move past it.
    const product = await system.app.inject(`/products/${sku}?minPosition=${positionOf(received)}`);
    expect(product.statusCode).toBe(200);
    const orders = await system.app.inject({ url: '/orders?limit=1', headers: { 'es-min-position': positionOf(received) } });
    expect(orders.statusCode).toBe(200);
  });

  it('keeps waking readers after its listening connection was cut', async () => {
    const listeners = async () =>
      (
        await system.pool.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'checkpoint-watcher'",
        )
      ).rows.map((row) => row.pid);
    const [cut] = await listeners();
    expect(cut).toBeDefined();
    await system.pool.query('SELECT pg_terminate_backend($1)', [cut]);
    let reconnected: number[] = [];
    for (let tries = 0; tries < 100 && (reconnected.length === 0 || reconnected.includes(cut!)); tries++) {
      await sleep(50);
      reconnected = await listeners();
    }
    expect(reconnected).toHaveLength(1);
    expect(reconnected).not.toContain(cut);

    const sku = uniqueSku();
    const added = await postJson(system.app, '/products', { sku, name: 'After the cut', price: 100, currency: 'EUR' });
    const answer = await system.app.inject({ url: `/products/${sku}`, headers: { 'es-min-position': positionOf(added) } });
    expect(answer.statusCode).toBe(200);
  });
});

describe('read-your-writes when no projection follows', () => {
  let reader: TestApp;
  beforeAll(async () => {
    reader = await startTestApp({ services: ['query'], readYourWritesTimeoutMs: 300 });
  });
  afterAll(() => reader.close());

  it('answers 504 after the bound, naming how far the read model got', async () => {
    const before = await reader.app.inject({ url: `/products/${uniqueSku()}`, headers: { 'es-min-position': '1' } });
    expect(before.statusCode).toBe(504);
    expect(before.headers['retry-after']).toBeDefined();
    expect(before.json()).toEqual({
      error: 'read_model_behind',
      message: 'The products read model has considered no event yet, not yet 1 (waited 300 ms); retry later.',
    });

    await reader.pool.query("INSERT INTO checkpoints (name, position) VALUES ('orders', 41) ON CONFLICT (name) DO UPDATE SET position = 41");
    const behind = await reader.app.inject('/orders?minPosition=42');
    expect(behind.statusCode).toBe(504);
    expect((behind.json() as { message: string }).message).toContain('has considered $all up to 41, not yet 42');

    const reached = await reader.app.inject('/orders?minPosition=41');
    expect(reached.statusCode).toBe(200);
  });
});

describe('a reader waiting for a write', () => {
  it('is woken when a projection in another process commits past its position', async () => {
    const reader = await startTestApp({ services: ['catalog', 'query'], readYourWritesTimeoutMs: 60_000 });
    try {
      const sku = uniqueSku();
      const added = await postJson(reader.app, '/products', { sku, name: 'Later', price: 100, currency: 'EUR' });
      const waiting = reader.app.inject({ url: `/products/${sku}`, headers: { 'es-min-position': positionOf(added) } });
      const projector = await startTestApp({ database: reader.database, services: ['projections'] });
      try {
        const answer = await waiting;
        expect(answer.statusCode).toBe(200);
        expect(answer.json()).toMatchObject({ sku, name: 'Later' });
      } finally {
        await projector.close({ keepDatabase: true });
      }
    } finally {
      await reader.close();
    }
  });
});
