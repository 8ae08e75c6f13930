import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineStatements } from '../../infra/subscriptions/inline-statements.ts';
import { createFreshDatabase, type FreshDatabase } from '../postgres/fresh-database.ts';
import { testEnvironment } from '../support/environment.ts';

describe('statements inlined into one query string', () => {
  let database: FreshDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    database = await createFreshDatabase(testEnvironment().databaseUrl, 'inline_statements');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`CREATE TABLE sample (id integer PRIMARY KEY, name text, amount numeric(20), at timestamptz, data jsonb, flag boolean)`);
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  const insert = `INSERT INTO sample (id, name, amount, at, data, flag) VALUES ($1, $2, $3, $4, $5, $6)
                  ON CONFLICT (id) DO UPDATE SET name = COALESCE($2, sample.name), amount = GREATEST(sample.amount, $3)`;
  const awkward = [
    "O'Brien; DROP TABLE sample; --",
    'back\\slash and $1 and $$dollar$$',
    'ünïcödé 🚀 \n\t new lines',
  ];

  it('writes exactly what the same statements write with parameters', async () => {
    const values = awkward.map((name, index) => [index + 1, name, `1844674407370955161${index}`, new Date(Date.UTC(2026, 0, index + 1)), JSON.stringify({ name }), index % 2 === 0]);
    const sql = inlineStatements(values.map((row) => ({ text: insert, values: row })));
    expect(sql).toBeDefined();
    await client.query(sql!);
    const inlined = (await client.query('SELECT * FROM sample ORDER BY id')).rows;

    await client.query('TRUNCATE sample');
    for (const row of values) await client.query(insert, row);
    const parameterised = (await client.query('SELECT * FROM sample ORDER BY id')).rows;
    expect(inlined).toEqual(parameterised);
    expect(inlined.map((row: { name: string }) => row.name)).toEqual(awkward);
  });

  it('resolves NULL and untyped literals as PostgreSQL resolves untyped parameters', async () => {
    await client.query(inlineStatements([{ text: insert, values: [10, 'first', '5', null, null, null] }])!);
    await client.query(inlineStatements([{ text: insert, values: [10, null, 3, null, null, null] }])!);
    expect((await client.query('SELECT name, amount FROM sample WHERE id = 10')).rows).toEqual([{ name: 'first', amount: '5' }]);
  });

  it('replaces $10 as the tenth value, not the first followed by a zero', () => {
    const values = Array.from({ length: 10 }, (_, index) => `v${index + 1}`);
    const text = 'SELECT $1, $10, $2, $3, $4, $5, $6, $7, $8, $9';
    expect(inlineStatements([{ text, values }])).toBe("SELECT 'v1', 'v10', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9'");
  });

  it('declines values pg would serialise otherwise, so the caller sends them as parameters', () => {
    expect(inlineStatements([{ text: 'SELECT $1', values: [['a', 'b']] }])).toBeUndefined();
    expect(inlineStatements([{ text: 'SELECT $1', values: [{ a: 1 }] }])).toBeUndefined();
    expect(inlineStatements([{ text: 'SELECT $1', values: [Buffer.from('x')] }])).toBeUndefined();
  });
});
