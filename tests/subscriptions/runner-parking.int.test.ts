import { v4 as uuid } from 'uuid';
import { describe, expect, it } from 'vitest';
import { retryParked } from '../../infra/subscriptions/index.ts';
import { isTransientDatabaseError } from '../../infra/subscriptions/transient-database-error.ts';
import {
  broken,
  countOf,
  eventually,
  freshProjection,
  logger,
  newProduct,
  pool,
  priceChanged,
  productAdded,
  start,
  store,
  useRunnerTestbed,
} from './counter-projection.ts';

useRunnerTestbed('runner_parking');

describe('an event that cannot be applied', () => {
  it('parks its key, in order, while other keys flow, and a retry replays it once fixed', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    const sku = `sku-${uuid()}`;
    const sick = `product-${sku}`;
    broken.add(sick);
    await store.append(sick, [productAdded(sku)], 'no_stream');
    const healthy = await newProduct(1);
    await store.append(sick, [priceChanged(sku, 1500), priceChanged(sku, 1600)], 0n);
    await eventually(async () => (await countOf(projection.name, healthy.stream)) === 2);
    await eventually(() => runner.status().parkedKeys.includes(sick));
    await eventually(async () => {
      const { rows } = await pool.query('SELECT 1 FROM dead_letters WHERE name = $1 AND key = $2', [projection.name, sick]);
      return rows.length === 3;
    });
    expect(await countOf(projection.name, sick)).toBe(0);

    expect(await retryParked(pool, projection, logger, { key: sick })).toEqual({ replayed: 0, stillParked: [sick] });
    broken.delete(sick);
    expect(await retryParked(pool, projection, logger, { key: sick })).toEqual({ replayed: 3, stillParked: [] });
    expect(await countOf(projection.name, sick)).toBe(3);

    // Unparked: the key's next event flows again.
    await store.append(sick, [priceChanged(sku, 1700)], 2n);
    await eventually(async () => (await countOf(projection.name, sick)) === 4);
    await eventually(() => runner.status().parkedKeys.length === 0);
    await runner.stop();
  });

  it('parks an event whose data does not parse under its stream', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    const poison = `product-${uuid()}`;
    await store.append(poison, [{ id: uuid(), type: 'ProductAdded', data: { sku: '', price: -1 } }], 'no_stream');
    const healthy = await newProduct();
    await eventually(async () => (await countOf(projection.name, healthy.stream)) === 1);
    await eventually(() => runner.status().parkedKeys.includes(poison));
    const sql = 'SELECT error FROM dead_letters WHERE name = $1';
    const { rows } = await pool.query<{ error: string }>(sql, [projection.name]);
    expect(rows).toHaveLength(1);
    await runner.stop();
  });
});


describe('a failure of the database rather than of the event', () => {
  it('is told apart from the event\'s own failure, so the batch is retried instead of parking', () => {
    expect(isTransientDatabaseError({ code: '40P01' })).toBe(true); // deadlock detected
    expect(isTransientDatabaseError({ code: '57014' })).toBe(true); // query canceled
    expect(isTransientDatabaseError({ code: '23505' })).toBe(false); // unique violation: the event's own
    expect(isTransientDatabaseError(new Error('bad data'))).toBe(false);
  });
});
