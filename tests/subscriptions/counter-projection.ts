/* Shared by the runner's test files: a tiny counter projection and the servers it runs against. */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { v4 as uuid } from 'uuid';
import { afterAll, beforeAll } from 'vitest';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { coreMigrations } from '../../infra/postgres/migrations/index.ts';
import { migrate } from '../../infra/postgres/migrations.ts';
import { createPgPool } from '../../infra/postgres/pool.ts';
import { startProjectionRunner, type ProjectionRunner, type ProjectionRunnerOptions } from '../../infra/subscriptions/index.ts';
import type { Projection } from '../../projections/projection.ts';
import { createFreshDatabase, type FreshDatabase } from '../postgres/fresh-database.ts';
import { testEnvironment } from '../support/environment.ts';

export const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
export let database: FreshDatabase;
export let pool: pg.Pool;
export let store: EventStore;
const runners: ProjectionRunner[] = [];

/** Streams whose events the test projection refuses to apply (a bug "fixed" by deleting the entry). */
export const broken = new Set<string>();

/** Counts events per stream; idempotent by position, so an event applied twice would not count twice. */
export const counterProjection = (name: string): Projection => ({
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

/** Registers the hooks of a test file: its own database with the runner's tables, and the shared esdb-dev. */
export function useRunnerTestbed(purpose: string): void {
  beforeAll(async () => {
    database = await createFreshDatabase(testEnvironment().databaseUrl, purpose);
    pool = createPgPool({ url: database.url, logger, max: 20 });
    await migrate(pool, coreMigrations, logger);
    await pool.query(`
      CREATE TABLE counters (
        name text, stream text, count int NOT NULL, position numeric(20) NOT NULL, PRIMARY KEY (name, stream)
      )`);
    store = createEventStore({ url: testEnvironment().esdbUrl, logger });
  });
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
    await store?.close();
    await pool?.end();
    await database?.drop();
  });
}

/** A projection starting at the head of the shared `$all`, so it does not replay other tests' history. */
export async function freshProjection(): Promise<Projection> {
  const projection = counterProjection(`counter_${uuid().slice(0, 8)}`);
  const head = await store.headPosition();
  await pool.query('INSERT INTO checkpoints (name, position, epoch) VALUES ($1, $2, 0)', [projection.name, head.toString()]);
  return projection;
}
export const start = (projection: Projection, options: Partial<Omit<ProjectionRunnerOptions, 'projection'>> = {}) => {
  const runner = startProjectionRunner({
    projection,
    eventStore: store,
    pool,
    logger,
    batchDelayMs: 20,
    idleProbeMs: 200,
    ...options,
  });
  runners.push(runner);
  return runner;
};
export const productAdded = (sku: string) => ({
  id: uuid(),
  type: 'ProductAdded',
  data: { sku, name: 'Mug', price: 1200, currency: 'EUR' },
});
export const priceChanged = (sku: string, price: number) => ({
  id: uuid(),
  type: 'ProductPriceChanged',
  data: { sku, price },
});
export async function newProduct(changes = 0): Promise<{ stream: string; position: bigint }> {
  const sku = `sku-${uuid()}`;
  const stream = `product-${sku}`;
  const events = [productAdded(sku), ...Array.from({ length: changes }, (_, i) => priceChanged(sku, 1300 + i))];
  const { position } = await store.append(stream, events, 'no_stream');
  return { stream, position };
}
export async function countOf(name: string, stream: string): Promise<number> {
  const sql = 'SELECT count FROM counters WHERE name = $1 AND stream = $2';
  return (await pool.query<{ count: number }>(sql, [name, stream])).rows[0]?.count ?? 0;
}
export async function checkpointOf(name: string): Promise<bigint> {
  const sql = 'SELECT position::text FROM checkpoints WHERE name = $1';
  return BigInt((await pool.query<{ position: string }>(sql, [name])).rows[0]?.position ?? '0');
}
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(25);
  }
}

