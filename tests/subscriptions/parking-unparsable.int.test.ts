import { v4 as uuid } from 'uuid';
import { describe, expect, it } from 'vitest';
import { retryParked } from '../../infra/subscriptions/index.ts';
import { eventually, logger, newProduct, pool, priceChanged, productAdded, start, store, useRunnerTestbed } from './counter-projection.ts';
import { deadLetterKeys, freshSkuCounter, replayFrom, skuRow, useSkuCounts } from './sku-counter-projection.ts';

useRunnerTestbed('parking_unparsable');
useSkuCounts();

describe('an event the projection cannot parse', () => {
  it('parks under its read-model key, holds the key\'s later events behind it, and a retry after the fix equals a fresh replay', async () => {
    const { projection, from } = await freshSkuCounter();
    const runner = start(projection);
    const sku = `sku-${uuid()}`;
    const stream = `product-${sku}`;
    await store.append(stream, [productAdded(sku)], 'no_stream');
    await eventually(async () => (await skuRow(projection.name, sku))?.count === 1);
    const unreadable = { id: uuid(), type: 'ProductPriceChanged', data: { sku, price: 1300 } };
    projection.unreadable.add(sku);
    await store.append(stream, [unreadable], 0n);
    // Once the bad event is parked the reader is "fixed" for later events, which must still wait behind it.
    await eventually(async () => (await deadLetterKeys(projection.name)).length > 0);
    projection.unreadable.delete(sku);
    await store.append(stream, [priceChanged(sku, 1400), priceChanged(sku, 1500)], 1n);
    const healthy = await newProduct();
    await eventually(async () => (await skuRow(projection.name, healthy.stream.slice('product-'.length)))?.count === 1);

    expect(await deadLetterKeys(projection.name)).toEqual([{ key: sku, events: 3 }]);
    expect(runner.status().parkedKeys).toEqual([sku]);
    expect((await skuRow(projection.name, sku))?.count).toBe(1); // only the event before the bad one

    expect(await retryParked(pool, projection, logger, { key: sku })).toEqual({ replayed: 3, stillParked: [] });
    await runner.stop();

    const replay = await replayFrom(from);
    const replaying = start(replay);
    await eventually(async () => (await skuRow(replay.name, healthy.stream.slice('product-'.length)))?.count === 1);
    await replaying.stop();
    expect(await skuRow(replay.name, sku)).toMatchObject({ count: 4 });
    expect(await skuRow(projection.name, sku)).toEqual(await skuRow(replay.name, sku));
  });
});
