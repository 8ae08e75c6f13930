import { setTimeout as sleep } from 'node:timers/promises';
import { v4 as uuid } from 'uuid';
import { describe, expect, it } from 'vitest';
import { createEventStore } from '../../infra/event-store/index.ts';
import { DatabaseUnavailableError } from '../../infra/postgres/database-unavailable.ts';
import { findFreePort } from '../../infra/postgres/free-port.ts';
import { createPgPool } from '../../infra/postgres/pool.ts';
import { describeProjections, type ProjectionStatusView } from '../../infra/subscriptions/index.ts';
import type { Projection } from '../../projections/projection.ts';
import {
  broken,
  checkpointOf,
  counterProjection,
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

useRunnerTestbed('projection_status');

/*
 * Other test files append to the same esdb-dev meanwhile: counts after a checkpoint are "at least"
 * what this file appended, and "caught up" is awaited, never assumed.
 */

async function describeOne(projection: Projection, options: Partial<Parameters<typeof describeProjections>[0]> = {}) {
  const [view] = await describeProjections({ pool, eventStore: store, projections: [projection], ...options });
  return view as ProjectionStatusView;
}

describe('a projection that never ran', () => {
  it('has no checkpoint, runs elsewhere, and every event of the log waits', async () => {
    await newProduct();
    const view = await describeOne(counterProjection(`never_${uuid().slice(0, 8)}`));
    expect(view).toMatchObject({
      state: 'elsewhere',
      checkpoint: null,
      checkpointUpdatedAt: null,
      disconnectedSince: null,
      parkedKeyCount: 0,
      parkedKeys: [],
    });
    expect(view.lag?.events).toBeGreaterThanOrEqual(1);
    expect(view.lag?.seconds).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(JSON.stringify(view))).toEqual(view); // served as JSON as it is
  });
});

describe('a projection whose checkpoint trails the log', () => {
  it('counts the events after the checkpoint, up to the cap, and dates the oldest', async () => {
    const projection = await freshProjection(); // checkpoint at the head, no runner
    await newProduct(4); // five events
    await sleep(1_100);

    const capped = await describeOne(projection, { lagCountCap: 3 });
    expect(capped.checkpoint).toBe((await checkpointOf(projection.name)).toString());
    expect(capped.checkpointUpdatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(capped.lag).toMatchObject({ events: 3, eventsAtLeast: true });
    expect(capped.lag?.seconds).toBeGreaterThanOrEqual(1);

    const counted = await describeOne(projection, { lagCountCap: 100_000 });
    expect(counted.lag?.events).toBeGreaterThanOrEqual(5);
    expect(counted.lag?.eventsAtLeast).toBe(false);
  });
});

describe('a projection whose runner caught up', () => {
  it('is live, at no lag, at the committed checkpoint', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    const { position } = await newProduct(1);
    const runners = new Map([[projection.name, runner]]);
    await eventually(async () => {
      const view = await describeOne(projection, { runners });
      return view.state === 'live' && view.lag?.events === 0 && BigInt(view.checkpoint ?? '0') >= position;
    }, 20_000);
    const view = await describeOne(projection, { runners });
    expect(view).toMatchObject({ state: 'live', disconnectedSince: null, parkedKeyCount: 0, parkedKeys: [] });
    await runner.stop();
    expect((await describeOne(projection, { runners })).state).toBe('stopped');
  });
});

describe('a projection with a parked key', () => {
  it('shows the key, how many events wait, the first one and its error', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    const sku = `sku-${uuid()}`;
    const sick = `product-${sku}`;
    broken.add(sick);
    const first = await store.append(sick, [productAdded(sku)], 'no_stream');
    await store.append(sick, [priceChanged(sku, 1500)], 0n);
    await eventually(async () => (await describeOne(projection)).parkedKeys[0]?.events === 2);

    const view = await describeOne(projection, { runners: new Map([[projection.name, runner]]) });
    expect(view.parkedKeyCount).toBe(1);
    expect(view.parkedKeys).toEqual([
      { key: sick, events: 2, firstPosition: first.position.toString(), error: `cannot apply ${sick}` },
    ]);
    broken.delete(sick);
    await runner.stop();
  });

  it('lists at most the oldest parked keys asked for, and counts them all', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    const streams = [`product-${uuid()}`, `product-${uuid()}`, `product-${uuid()}`];
    for (const stream of streams) broken.add(stream);
    for (const stream of streams) await store.append(stream, [productAdded(stream.slice('product-'.length))], 'no_stream');
    await eventually(async () => (await describeOne(projection)).parkedKeyCount === 3);

    const view = await describeOne(projection, { parkedKeysShown: 2 });
    expect(view.parkedKeyCount).toBe(3);
    expect(view.parkedKeys.map((parked) => parked.key)).toEqual(streams.slice(0, 2));
    for (const stream of streams) broken.delete(stream);
    await runner.stop();
  });
});

describe('with a store unreachable', () => {
  it('an unreachable event store leaves the lag unknown and the rest shown, in bounded time', async () => {
    const projection = await freshProjection();
    const deadStore = createEventStore({ url: `esdb://127.0.0.1:${await findFreePort()}?tls=false`, logger, timeoutMs: 500 });
    try {
      const started = performance.now();
      const view = await describeOne(projection, { eventStore: deadStore });
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(view.lag).toBeNull();
      expect(view.checkpoint).toBe((await checkpointOf(projection.name)).toString());
    } finally {
      await deadStore.close();
    }
  });

  it('an unreachable database is DatabaseUnavailableError (a 503)', async () => {
    const deadPool = createPgPool({ url: `postgres://postgres@127.0.0.1:${await findFreePort()}/none`, logger, connectionTimeoutMs: 1_000 });
    try {
      await expect(describeOne(counterProjection('any'), { pool: deadPool })).rejects.toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      await deadPool.end();
    }
  });
});

describe('reading $all after a position', () => {
  it('starts after it (exclusive) and stops at the count asked', async () => {
    const { stream } = await newProduct(3); // one append: four events side by side in $all
    const { events } = await store.readStream(stream, (event) => event);
    const firstOfStream = events[0]?.position ?? 0n;
    const read = await store.readAllAfter(firstOfStream, 2);
    expect(read).toHaveLength(2);
    expect(read.map((event) => event.streamName)).toEqual([stream, stream]);
    expect(read[0]?.position).toBe(events[1]?.position);
    expect(await store.readAllAfter(firstOfStream, 0)).toEqual([]);
  });
});
