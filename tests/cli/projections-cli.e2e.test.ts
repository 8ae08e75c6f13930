import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { v4 as uuid } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { writeRuntimeFile } from '../../infra/launcher/runtime-file.ts';
import { createLogger } from '../../infra/logger.ts';
import { coreMigrations } from '../../infra/postgres/migrations/index.ts';
import { migrate } from '../../infra/postgres/migrations.ts';
import { createPgPool } from '../../infra/postgres/pool.ts';
import { startProjectionRunner, type ProjectionStatusView } from '../../infra/subscriptions/index.ts';
import { allProjections, projectionMigrations } from '../../projections/index.ts';
import { productsProjection } from '../../projections/products/products-projection.ts';
import { createFreshDatabase, type FreshDatabase } from '../postgres/fresh-database.ts';
import { testEnvironment } from '../support/environment.ts';

/** `npm run projections -- …` as a user runs it: its own process, against a migrated database and the test run's esdb-dev. */

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
let database: FreshDatabase;
let pool: pg.Pool;
let store: EventStore;
let dataDir: string;

beforeAll(async () => {
  database = await createFreshDatabase(testEnvironment().databaseUrl, 'projections_cli');
  // The retry test breaks the products table on purpose: keep the server log free of the errors it expects.
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(new URL(database.url).pathname.slice(1))} SET log_min_error_statement = panic`);
  await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(new URL(database.url).pathname.slice(1))} SET log_min_messages = fatal`);
  await admin.end();
  pool = createPgPool({ url: database.url, logger });
  await migrate(pool, [...coreMigrations, ...projectionMigrations], logger);
  store = createEventStore({ url: testEnvironment().esdbUrl, logger });
  dataDir = await mkdtemp(join(tmpdir(), 'projections-cli-'));
});
afterAll(async () => {
  await store?.close();
  await pool?.end();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI and waits for it to exit by itself (the test times out if a client is left open). */
async function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const { DATABASE_URL: _database, ESDB_URL: _esdb, DATA_DIR: _dataDir, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/cli/projections.ts', ...args], {
    cwd: join(import.meta.dirname, '../..'),
    env: { ...inherited, DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

const servers = () => ({ DATABASE_URL: database.url, ESDB_URL: testEnvironment().esdbUrl });

async function statusJson(env: Record<string, string> = servers()): Promise<Map<string, ProjectionStatusView>> {
  const run = await cli(['status', '--json'], env);
  expect(run, run.stderr).toMatchObject({ code: 0 });
  const { projections } = JSON.parse(run.stdout) as { projections: ProjectionStatusView[] };
  return new Map(projections.map((view) => [view.name, view]));
}

/** Starts the products projection at the head of the shared log, so it skips other tests' history. */
async function productsFromHead(): Promise<string> {
  const head = (await store.headPosition()).toString();
  await pool.query(
    `INSERT INTO checkpoints (name, position, epoch) VALUES ('products', $1, 0)
     ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    [head],
  );
  return head;
}

const productAdded = (sku: string) => ({ id: uuid(), type: 'ProductAdded', data: { sku, name: 'Mug', price: 1200, currency: 'EUR' } });
const priceChanged = (sku: string, price: number) => ({ id: uuid(), type: 'ProductPriceChanged', data: { sku, price } });

describe('status', () => {
  it('prints every projection as JSON: checkpoint, lag and parked keys from the servers it is given', async () => {
    const head = await productsFromHead();
    await store.append(`product-sku-${uuid()}`, [productAdded(`sku-${uuid()}`)], 'no_stream');

    const views = await statusJson();
    expect([...views.keys()]).toEqual(allProjections.map((projection) => projection.name));
    expect(views.get('products')).toMatchObject({ state: 'elsewhere', checkpoint: head, parkedKeyCount: 0 });
    expect(views.get('products')?.lag?.events).toBeGreaterThanOrEqual(1);
    expect(views.get('orders')).toMatchObject({ checkpoint: null, checkpointUpdatedAt: null });
  });

  it('prints a table by default', async () => {
    const run = await cli(['status'], servers());
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATE\s+CHECKPOINT\s+LAG EVENTS\s+LAG SECONDS\s+PARKED KEYS$/);
    for (const projection of allProjections) expect(run.stdout).toMatch(new RegExp(`^${projection.name}\\s+elsewhere\\s`, 'm'));
  });
});

describe('retry', () => {
  it('leaves a key parked while its cause remains (exit 1), and replays it once fixed (exit 0)', async () => {
    const sku = `sku-${uuid()}`;
    await productsFromHead();
    // The "bug": the table refuses this product, so the projection parks its key.
    await pool.query(`ALTER TABLE products ADD CONSTRAINT refuses_poison CHECK (sku <> '${sku}')`);
    const runner = startProjectionRunner({ projection: productsProjection, eventStore: store, pool, logger, batchDelayMs: 20 });
    try {
      await store.append(`product-${sku}`, [productAdded(sku), priceChanged(sku, 1500)], 'no_stream');
      const parked = async () => (await pool.query('SELECT 1 FROM dead_letters WHERE key = $1', [sku])).rowCount;
      for (let tries = 0; (await parked()) !== 2; tries++) {
        if (tries > 400) throw new Error('the key was not parked in time');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      await runner.stop();
    }

    const products = (await statusJson()).get('products');
    expect(products?.parkedKeyCount).toBe(1);
    expect(products?.parkedKeys[0]).toMatchObject({ key: sku, events: 2, error: expect.stringContaining('refuses_poison') });

    const stillBroken = await cli(['retry', 'products'], servers());
    expect(stillBroken.code).toBe(1);
    expect(stillBroken.stdout).toContain('replayed 0 dead letter(s)');
    expect(stillBroken.stdout).toContain(`${sku} (2 event(s))`);

    await pool.query('ALTER TABLE products DROP CONSTRAINT refuses_poison');
    const fixed = await cli(['retry', 'products', '--key', sku], { DATABASE_URL: database.url }); // no event store needed
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('replayed 2 dead letter(s)');
    expect(fixed.stdout).toContain('nothing still parked');
    const { rows } = await pool.query<{ price: string }>('SELECT price FROM products WHERE sku = $1', [sku]);
    expect(rows).toEqual([{ price: '1500' }]);
  });

  it('refuses an unknown projection with the names it knows (exit 2)', async () => {
    const run = await cli(['retry', 'no-such-projection'], servers());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`known: ${allProjections.map((projection) => projection.name).join(', ')}`);
  });
});

describe('bad usage', () => {
  it.each([{ args: ['rebuild'] }, { args: ['retry'] }, { args: ['status', '--key', 'x'] }])(
    '$args prints the usage (exit 2)',
    async ({ args }) => {
      const run = await cli(args, servers());
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('usage: npm run projections -- status');
    },
  );
});

describe('finding the servers without DATABASE_URL and ESDB_URL', () => {
  it('says so and exits 1 when no npm start runs on DATA_DIR', async () => {
    const run = await cli(['status']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('set DATABASE_URL and ESDB_URL, or start the system with npm start');
  });

  it('refuses a runtime.json whose npm start is gone (exit 1)', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    await once(gone, 'exit');
    await writeRuntimeFile(dataDir, { ...runtimeUrls(), httpUrl: 'http://127.0.0.1:1', pid: gone.pid ?? 0, startedAt: new Date().toISOString() });
    try {
      const run = await cli(['status']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('is no longer running');
    } finally {
      await rm(join(dataDir, 'runtime.json'), { force: true });
    }
  });

  it('uses the servers named in the runtime.json of the npm start running on DATA_DIR', async () => {
    // A stand-in for the launcher: runtime.json is trusted only while a process like it runs under that pid.
    const launcher: ChildProcess = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)', 'infra/launcher/main.ts']);
    try {
      const head = await productsFromHead();
      await writeRuntimeFile(dataDir, { ...runtimeUrls(), httpUrl: 'http://127.0.0.1:1', pid: launcher.pid ?? 0, startedAt: new Date().toISOString() });
      const views = await statusJson({});
      expect(views.get('products')?.checkpoint).toBe(head); // read from this test's database
    } finally {
      launcher.kill();
      await rm(join(dataDir, 'runtime.json'), { force: true });
    }
  });
});

const runtimeUrls = () => ({ databaseUrl: database.url, esdbUrl: testEnvironment().esdbUrl });
