import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productsProjection } from '../../projections/products/products-projection.ts';
import { getProduct, listProducts } from '../../projections/products/queries.ts';
import { HUGE_POSITION, projected, startHarness, type ProjectionHarness } from './projection-harness.ts';

let harness: ProjectionHarness;
beforeAll(async () => {
  harness = await startHarness(productsProjection);
});
afterAll(async () => harness?.close());

const added = (sku: string, price = 1200) =>
  projected({ type: 'ProductAdded', data: { sku, name: `Product ${sku}`, price, currency: 'EUR' } });

describe('a product added to the catalog', () => {
  it('appears with its name, price, currency and position', async () => {
    const event = added('mug-1');
    await harness.apply(event);
    expect(await getProduct(harness.pool, 'mug-1')).toEqual({
      sku: 'mug-1',
      name: 'Product mug-1',
      price: 1200,
      currency: 'EUR',
      position: event.position.toString(),
    });
  });

  it('takes the new price of a price change, and ignores it when replayed', async () => {
    const change = projected({ type: 'ProductPriceChanged', data: { sku: 'mug-1', price: 1500 } });
    await harness.apply(change, change);
    expect(await getProduct(harness.pool, 'mug-1')).toMatchObject({ price: 1500, position: change.position.toString() });
  });

  it('ignores an older price change arriving after a newer one', async () => {
    const older = projected({ type: 'ProductPriceChanged', data: { sku: 'mug-1', price: 900 } }, { position: 5n });
    await harness.apply(older);
    expect(await getProduct(harness.pool, 'mug-1')).toMatchObject({ price: 1500 });
  });

  it('keeps a uint64 position exactly', async () => {
    await harness.apply(projected({ type: 'ProductAdded', data: { sku: 'big', name: 'Big', price: 1, currency: 'USD' } }, { position: HUGE_POSITION }));
    expect((await getProduct(harness.pool, 'big'))?.position).toBe(HUGE_POSITION.toString());
  });

  it('is unknown until added', async () => {
    expect(await getProduct(harness.pool, 'nope')).toBeUndefined();
  });
});

describe('the product list', () => {
  it('pages by sku with a cursor until the end', async () => {
    await harness.apply(added('p-a'), added('p-b'), added('p-c'));
    const first = await listProducts(harness.pool, { limit: 2 });
    expect(first.items.map((p) => p.sku)).toEqual(['big', 'mug-1']);
    const second = await listProducts(harness.pool, { limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((p) => p.sku)).toEqual(['p-a', 'p-b']);
    const last = await listProducts(harness.pool, { limit: 2, cursor: second.nextCursor ?? undefined });
    expect(last).toEqual({ items: [expect.objectContaining({ sku: 'p-c' })], nextCursor: null });
  });

  it('refuses a limit outside 1 to 100', async () => {
    await expect(listProducts(harness.pool, { limit: 0 })).rejects.toThrow(RangeError);
    await expect(listProducts(harness.pool, { limit: 101 })).rejects.toThrow(RangeError);
  });
});
