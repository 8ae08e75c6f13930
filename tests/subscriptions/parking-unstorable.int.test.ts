import { randomBytes } from 'node:crypto';
import { v4 as uuid } from 'uuid';
import { describe, expect, it } from 'vitest';
import { listParkedKeys, retryParked } from '../../infra/subscriptions/index.ts';
import { eventually, logger, newProduct, pool, start, store, useRunnerTestbed } from './counter-projection.ts';
import { deadLetterKeys, freshSkuCounter, skuRow, useSkuCounts } from './sku-counter-projection.ts';

useRunnerTestbed('parking_unstorable');
useSkuCounts();

const healthySku = (healthy: { stream: string }) => healthy.stream.slice('product-'.length);

describe('parking an event PostgreSQL would refuse as it stands', () => {
  it('parks an event whose data holds NUL (valid JSON, refused by jsonb), other keys flow, and a retry applies it', async () => {
    const { projection } = await freshSkuCounter();
    const runner = start(projection);
    const sku = `sku-${uuid()}`;
    projection.refused.add(sku);
    await store.append(`product-${sku}`, [{ id: uuid(), type: 'ProductAdded', data: { sku, name: 'Mug\u0000s', price: 1200, currency: 'EUR' } }], 'no_stream');
    const healthy = await newProduct();

    await eventually(async () => (await skuRow(projection.name, healthySku(healthy)))?.count === 1, 20_000);
    expect(await deadLetterKeys(projection.name)).toEqual([{ key: sku, events: 1 }]);
    expect(runner.status().state).not.toBe('disconnected');

    projection.refused.delete(sku);
    expect(await retryParked(pool, projection, logger, { key: sku })).toEqual({ replayed: 1, stillParked: [] });
    expect(await skuRow(projection.name, sku)).toMatchObject({ count: 1 });
    await runner.stop();
  });

  it('parks events whose keys are ~10 KB under distinct shortened keys, holds later events behind them, and retries them by the key it shows', async () => {
    const { projection } = await freshSkuCounter();
    const runner = start(projection);
    // Random, so PostgreSQL cannot compress it under the btree's limit; two keys alike but for their end.
    const common = randomBytes(5_000).toString('hex');
    const [first, second] = [`${common}-a`, `${common}-b`];
    projection.refused.add(first).add(second);
    await store.append(`product-${uuid()}`, [{ id: uuid(), type: 'ProductAdded', data: { sku: first, name: 'Long', price: 1, currency: 'EUR' } }], 'no_stream');
    await store.append(`product-${uuid()}`, [{ id: uuid(), type: 'ProductAdded', data: { sku: second, name: 'Long', price: 1, currency: 'EUR' } }], 'no_stream');
    await eventually(async () => (await deadLetterKeys(projection.name)).length === 2, 20_000);
    projection.refused.delete(first); // fixed, but the key is parked: its next event waits behind it
    await store.append(`product-${uuid()}`, [{ id: uuid(), type: 'ProductPriceChanged', data: { sku: first, price: 2 } }], 'no_stream');
    const healthy = await newProduct();

    await eventually(async () => (await skuRow(projection.name, healthySku(healthy)))?.count === 1, 20_000);
    const parked = await listParkedKeys(pool, projection.name);
    expect(parked.map((entry) => entry.events).sort()).toEqual([1, 2]);
    for (const { key } of parked) expect(Buffer.byteLength(key)).toBeLessThan(1_000);
    expect(await skuRow(projection.name, first)).toBeUndefined();

    const firstKey = parked.find((entry) => entry.events === 2)!.key;
    expect(await retryParked(pool, projection, logger, { key: firstKey })).toEqual({ replayed: 2, stillParked: [] });
    expect(await skuRow(projection.name, first)).toMatchObject({ count: 2 });
    expect(await skuRow(projection.name, second)).toBeUndefined(); // still refused, still parked
    expect((await listParkedKeys(pool, projection.name)).map((entry) => entry.events)).toEqual([1]);
    await runner.stop();
  });
});
