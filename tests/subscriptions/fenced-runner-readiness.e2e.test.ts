import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { coreMigrations } from '../../infra/postgres/migrations/index.ts';
import { migrate } from '../../infra/postgres/migrations.ts';
import { createPgPool } from '../../infra/postgres/pool.ts';
import { allProjections } from '../../projections/index.ts';
import { createFreshDatabase } from '../postgres/fresh-database.ts';
import { testEnvironment } from '../support/environment.ts';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../support/test-app.ts';

/** A database whose projections start at the head of the shared log: nothing to catch up on. */
async function databaseAtTheHead() {
  const database = await createFreshDatabase(testEnvironment().databaseUrl, 'fenced_readiness');
  const logger = createLogger({ level: 'silent' });
  const pool = createPgPool({ url: database.url, logger, max: 2 });
  const store = createEventStore({ url: testEnvironment().esdbUrl, logger });
  try {
    await migrate(pool, coreMigrations, logger);
    const head = (await store.headPosition()).toString(10);
    for (const { name } of allProjections) {
      await pool.query('INSERT INTO checkpoints (name, position, epoch) VALUES ($1, $2, 0)', [name, head]);
    }
  } finally {
    await store.close();
    await pool.end();
  }
  return database;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let tries = 0; ; tries++) {
    const value = await read();
    if (done(value) || tries >= 200) return value;
    await sleep(50);
  }
}

describe('an app whose projection runner was fenced by another worker', () => {
  let system: TestApp;
  const logLines: string[] = [];
  beforeAll(async () => {
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    system = await startTestApp({ database: await databaseAtTheHead(), services: ['catalog', 'projections', 'query'], logStream, logLevel: 'warn' });
  });
  afterAll(() => system?.close());

  const ready = () => system.app.inject('/health/ready');
  const products = async () => {
    const body = (await system.app.inject('/projections')).json() as { projections: { name: string; state: string }[] };
    return body.projections.find((projection) => projection.name === 'products')!;
  };

  it('stays ready: the runner waits as a standby, takes the role back once free, and its read model moves on', async () => {
    expect((await eventually(ready, (answer) => answer.statusCode === 200)).statusCode).toBe(200);
    // What a worker taking the group over does first; that worker then "dies" at once (it never takes the lock).
    await system.pool.query("UPDATE checkpoints SET epoch = epoch + 1 WHERE name = 'products'");

    const sku = uniqueSku('FENCED');
    const added = await postJson(system.app, '/products', { sku, name: 'Fenced', price: 100, currency: 'EUR' });
    expect(added.statusCode).toBe(201);
    const position = (added.json() as { position: string }).position;
    const read = await system.app.inject({ url: `/products/${sku}`, headers: { 'es-min-position': position } });
    expect(read.statusCode).toBe(200);

    const again = await eventually(ready, (answer) => answer.statusCode === 200);
    expect(again.json()).toMatchObject({ status: 'ok', checks: { subscriptions: 'ok' } });
    expect(['live', 'catching-up', 'running']).toContain((await products()).state);
    // It did lose its role on the way (the read above was not served by a runner never fenced).
    const fenced = logLines.filter((line) => line.includes('lost its role to another worker; back to standby'));
    expect(fenced.map((line) => JSON.parse(line) as { projection?: string })).toMatchObject([{ projection: 'products' }]);
  });
});
