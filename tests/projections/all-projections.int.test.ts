import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger.ts';
import { migrate } from '../../infra/postgres/migrations.ts';
import { allProjections, projectionMigrations } from '../../projections/index.ts';
import { createFreshDatabase, type FreshDatabase } from '../postgres/fresh-database.ts';
import { testEnvironment } from '../support/environment.ts';
import { projected } from './projection-harness.ts';
import { storedExamples } from './stored-events.ts';

let database: FreshDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createFreshDatabase(testEnvironment().databaseUrl, 'all_projections');
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

const tables = ['products', 'inventory', 'orders', 'order_history', 'payments', 'fulfillment_sagas', 'fulfillment_steps'];

/** Every row of every read-model table, as text, to compare the database before and after. */
const snapshot = async () => {
  const dump: Record<string, string[]> = {};
  for (const table of tables) {
    const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t ORDER BY 1`);
    dump[table] = rows.map((r) => r.row);
  }
  return dump;
};

// The corpus in a causal order: the order is placed before anything refers to it.
const corpus = [...storedExamples].sort((a, b) => Number(b.type === 'OrderPlaced') - Number(a.type === 'OrderPlaced'));
const delivered = corpus.map((event, index) => projected(event, { position: 10_000n + BigInt(index) }));

async function applyAll(): Promise<void> {
  for (const event of delivered) {
    for (const projection of allProjections.filter((p) => p.handles.includes(event.event.type))) {
      for (const statement of projection.apply(event).statements) await pool.query(statement.text, statement.values);
    }
  }
}

describe('every projection on one database', () => {
  it('migrates side by side, once', async () => {
    const logger = createLogger({ level: 'silent' });
    expect(await migrate(pool, projectionMigrations, logger)).toHaveLength(projectionMigrations.length);
    expect(await migrate(pool, projectionMigrations, logger)).toEqual([]);
  });

  it('applies every stored event type, and a second replay of all of them changes no row', async () => {
    await applyAll();
    const once = await snapshot();
    expect(once.orders).toHaveLength(1);
    expect(once.order_history?.length).toBeGreaterThan(10);
    await applyAll();
    expect(await snapshot()).toEqual(once);
    expect(JSON.stringify(once)).not.toContain('tok_');
  });
});
