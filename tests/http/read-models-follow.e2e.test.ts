import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getInventory, getProduct } from '../../projections/index.ts';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../support/test-app.ts';

describe('a process that also runs the projections', () => {
  let system: TestApp;
  beforeAll(async () => {
    system = await startTestApp({ services: ['catalog', 'inventory', 'orders', 'projections'] });
  });
  afterAll(() => system.close());

  async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
    for (let waited = 0; waited < 20_000; waited += 100) {
      const value = await read();
      if (value !== undefined) return value;
      await sleep(100);
    }
    throw new Error('the read model never caught up');
  }

  it('brings the products and inventory read models up to the commands it accepted', async () => {
    const sku = uniqueSku('READ');
    await postJson(system.app, '/products', { sku, name: 'Read me', price: 250, currency: 'EUR' });
    const receipt = await postJson(system.app, `/inventory/${sku}/receipts`, { quantity: 7 });
    const position = (receipt.json() as { position: string }).position;

    const inventory = await eventually(async () => {
      const row = await getInventory(system.pool, sku);
      return row && row.position === position ? row : undefined;
    });
    expect(inventory).toMatchObject({ sku, onHand: 7, reserved: 0, available: 7 });
    // Each read model has its own runner, so the products one may still be behind the inventory one.
    const product = await eventually(() => getProduct(system.pool, sku));
    expect(product).toMatchObject({ sku, name: 'Read me', price: 250, currency: 'EUR' });
  });
});
