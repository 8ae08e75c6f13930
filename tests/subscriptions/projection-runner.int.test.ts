import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { v4 as uuid } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { coreMigrations } from '../../infra/postgres/migrations/index.ts';
import { migrate } from '../../infra/postgres/migrations.ts';
import { createPgPool } from '../../infra/postgres/pool.ts';
import { retryParked, startProjectionRunner, type ProjectionRunner } from '../../infra/subscriptions/index.ts';
import type { Projection } from '../../projections/projection.ts';
import { createFreshDatabase, type FreshDatabase } from '../postgres/fresh-database.ts';
import { testEnvironment } from '../support/environment.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
let database: FreshDatabase;
let pool: pg.Pool;
let store: EventStore;
const runners: ProjectionRunner[] = [];

/** Streams whose events the test projection refuses to apply (a bug "fixed" by deleting the entry). */
const broken = new Set<string>();

/** Counts events per stream; idempotent by position, so an event applied twice would not count twice. */
const counterProjection = (name: string): Projection => ({
  name,
  version: 1,
  handles: ['ProductAdded', 'ProductPriceChanged'],
  migrations: [],
  key: (event) => event.streamName,
  apply: (event) => {
    if (broken.has(event.streamName)) throw new Error(`cannot apply ${event.streamName}`);
    return {
      statements: [
        {
          text: `INSERT INTO counters (name, stream, count, position) VALUES ($1, $2, 1, $3)
                 ON CONFLICT (name, stream) DO UPDATE SET count = counters.count + 1, position = excluded.position
                 WHERE counters.position < excluded.position`,
          values: [name, event.streamName, event.position.toString(10)],
        },
      ],
      changes: [{ topic: 'counters', key: event.streamName }],
    };
  },
});

beforeAll(async () => {
  database = await createFreshDatabase(testEnvironment().databaseUrl, 'projection_runner');
  pool = createPgPool({ url: database.url, logger, max: 20 });
  await migrate(pool, coreMigrations, logger);
  await pool.query('CREATE TABLE counters (name text, stream text, count int NOT NULL, position numeric(20) NOT NULL, PRIMARY KEY (name, stream))');
  store = createEventStore({ url: testEnvironment().esdbUrl, logger });
});
afterAll(async () => {
  await Promise.all(runners.map((runner) => runner.stop()));
  await store?.close();
  await pool?.end();
  await database?.drop();
});

/** A projection starting at the head of the shared `$all`, so it does not replay other tests' history. */
async function freshProjection(): Promise<Projection> {
  const projection = counterProjection(`counter_${uuid().slice(0, 8)}`);
  await pool.query('INSERT INTO checkpoints (name, position, epoch) VALUES ($1, $2, 0)', [projection.name, (await store.headPosition()).toString()]);
  return projection;
}
const start = (projection: Projection) => {
  const runner = startProjectionRunner({ projection, eventStore: store, pool, logger, batchDelayMs: 20, idleProbeMs: 200 });
  runners.push(runner);
  return runner;
};
const productAdded = (sku: string) => ({ id: uuid(), type: 'ProductAdded', data: { sku, name: 'Mug', price: 1200, currency: 'EUR' } });
const priceChanged = (sku: string, price: number) => ({ id: uuid(), type: 'ProductPriceChanged', data: { sku, price } });
async function newProduct(changes = 0): Promise<{ stream: string; position: bigint }> {
  const sku = `sku-${uuid()}`;
  const stream = `product-${sku}`;
  const events = [productAdded(sku), ...Array.from({ length: changes }, (_, i) => priceChanged(sku, 1300 + i))];
  const { position } = await store.append(stream, events, 'no_stream');
  return { stream, position };
}
const countOf = async (name: string, stream: string) =>
  (await pool.query<{ count: number }>('SELECT count FROM counters WHERE name = $1 AND stream = $2', [name, stream])).rows[0]?.count ?? 0;
const checkpointOf = async (name: string) =>
  BigInt((await pool.query<{ position: string }>('SELECT position::text FROM checkpoints WHERE name = $1', [name])).rows[0]?.position ?? '0');
async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(25);
  }
}

describe('a projection runner', () => {
  it('applies each appended event exactly once, commits the checkpoint and announces the change after commit', async () => {
    const projection = await freshProjection();
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const heard: unknown[] = [];
    listener.on('notification', (message) => heard.push(JSON.parse(message.payload ?? 'null')));
    await listener.query('LISTEN projection_changes');
    try {
      const runner = start(projection);
      const { stream, position } = await newProduct(2);
      await eventually(async () => (await countOf(projection.name, stream)) === 3);
      await eventually(async () => (await checkpointOf(projection.name)) >= position);
      await eventually(() => heard.length >= 3);
      expect(heard).toContainEqual({ projection: projection.name, topic: 'counters', key: stream, position: position.toString(10) });
      expect(runner.status()).toMatchObject({ state: 'live', parkedKeys: [] });
      await runner.stop();
      expect(runner.status().state).toBe('stopped');
    } finally {
      await listener.end();
    }
  });

  it('resumes from its checkpoint after a restart, doubling nothing', async () => {
    const projection = await freshProjection();
    const first = start(projection);
    const a = await newProduct(1);
    await eventually(async () => (await countOf(projection.name, a.stream)) === 2);
    await first.stop();

    const b = await newProduct(2);
    const second = start(projection);
    await eventually(async () => (await countOf(projection.name, b.stream)) === 3);
    await eventually(async () => (await checkpointOf(projection.name)) >= b.position);
    await sleep(200);
    expect(await countOf(projection.name, a.stream)).toBe(2);
    expect(await countOf(projection.name, b.stream)).toBe(3);
    await second.stop();
  });

  it('moves its checkpoint past events the filter drops, on a quiet system', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    await eventually(() => runner.status().state === 'live');
    const noise = Array.from({ length: 64 }, (_, n) => ({ id: uuid(), type: 'TestNoise', data: { n } }));
    const { position } = await store.append(`noise-${uuid()}`, noise, 'no_stream');
    // The server reports a checkpoint after every 32 events it scanned (checkpointEvery): 64 dropped events
    // move the checkpoint to the last of them although the projection handled none.
    await eventually(async () => (await checkpointOf(projection.name)) >= position);
    expect(runner.status().position).toBe(position);
    await runner.stop();
  });

  it('moves its checkpoint past a few dropped events at the head too, once idle', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    await eventually(() => runner.status().state === 'live');
    const noise = Array.from({ length: 5 }, (_, n) => ({ id: uuid(), type: 'TestNoise', data: { n } }));
    const { position } = await store.append(`noise-${uuid()}`, noise, 'no_stream');
    await eventually(async () => (await checkpointOf(projection.name)) >= position);
    // A handled event after the probe is still delivered, exactly once.
    const product = await newProduct();
    await eventually(async () => (await countOf(projection.name, product.stream)) === 1);
    await sleep(1_500);
    expect(await countOf(projection.name, product.stream)).toBe(1);
    expect(runner.status().position).toBe(product.position);
    await runner.stop();
  });
});

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
    const { rows } = await pool.query<{ error: string }>('SELECT error FROM dead_letters WHERE name = $1', [projection.name]);
    expect(rows).toHaveLength(1);
    await runner.stop();
  });
});

describe('two runners of one projection', () => {
  it('runs one at a time: the second waits for the lock and takes over when the first stops', async () => {
    const projection = await freshProjection();
    const first = start(projection);
    await eventually(() => first.status().state === 'live');
    const second = start(projection);
    const a = await newProduct(1);
    await eventually(async () => (await countOf(projection.name, a.stream)) === 2);
    expect(second.status().state).toBe('standby');

    await first.stop();
    const b = await newProduct(1);
    await eventually(async () => (await countOf(projection.name, b.stream)) === 2);
    await eventually(() => second.status().state === 'live');
    expect(await countOf(projection.name, a.stream)).toBe(2);
    await second.stop();
  });

  it('never commits once its epoch was bumped by another worker', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    await eventually(() => runner.status().state === 'live');
    const before = await checkpointOf(projection.name);
    await pool.query('UPDATE checkpoints SET epoch = epoch + 1 WHERE name = $1', [projection.name]);

    const late = await newProduct();
    await eventually(() => runner.status().state === 'stopped');
    expect(runner.status().stoppedBecause).toMatch(/epoch/);
    expect(await countOf(projection.name, late.stream)).toBe(0);
    expect(await checkpointOf(projection.name)).toBe(before);
    await runner.stop();
  });
});

describe('a lost PostgreSQL connection', () => {
  it('is retried, resuming from the checkpoint without losing or doubling an event', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    const a = await newProduct();
    await eventually(async () => (await countOf(projection.name, a.stream)) === 1);
    await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    const b = await newProduct(1);
    await eventually(async () => (await countOf(projection.name, b.stream)) === 2, 20_000);
    expect(await countOf(projection.name, a.stream)).toBe(1);
    expect(runner.status().disconnectedSince).toBeUndefined();
    await runner.stop();
  });
});
