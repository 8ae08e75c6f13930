import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger.ts';
import { coreMigrations } from '../../infra/postgres/migrations/index.ts';
import { migrate, MigrationFailedError, type Migration } from '../../infra/postgres/migrations.ts';
import { createPgPool } from '../../infra/postgres/pool.ts';
import { testEnvironment } from '../support/environment.ts';
import { createFreshDatabase, type FreshDatabase } from './fresh-database.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
let database: FreshDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createFreshDatabase(testEnvironment().databaseUrl, 'migrations');
  pool = createPgPool({ url: database.url, logger });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** Each test works on tables and ids of its own: they share one database. */
let testNumber = 0;
const uniqueName = (base: string) => `${base}_${++testNumber}_${Date.now().toString(36)}`;

const tableExists = async (table: string) =>
  (await pool.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [table])).rows[0]?.found !== null;
const appliedIds = async () => (await pool.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id);

describe('a database without the migrations', () => {
  it('applies each migration once, in order, and records it', async () => {
    const [first, second] = [uniqueName('first'), uniqueName('second')];
    const migrations: Migration[] = [
      { id: first, sql: `CREATE TABLE ${first} (n int); INSERT INTO ${first} VALUES (1)` },
      // Depends on the first: proves the order.
      { id: second, sql: `CREATE TABLE ${second} AS SELECT n + 1 AS n FROM ${first}` },
    ];

    expect(await migrate(pool, migrations, logger)).toEqual([first, second]);
    expect((await pool.query(`SELECT n FROM ${second}`)).rows).toEqual([{ n: 2 }]);
    expect(await appliedIds()).toEqual(expect.arrayContaining([first, second]));
  });

  it('creates the idempotency table with the core migrations', async () => {
    await migrate(pool, coreMigrations, logger);
    expect(await tableExists('idempotency_keys')).toBe(true);
    expect(await appliedIds()).toContain('0001_idempotency');
  });
});

describe('a database already migrated', () => {
  it('applies nothing the second time', async () => {
    const table = uniqueName('once');
    // Not idempotent SQL on purpose: a second application would fail.
    const migrations: Migration[] = [{ id: table, sql: `CREATE TABLE ${table} (n int)` }];
    expect(await migrate(pool, migrations, logger)).toEqual([table]);
    expect(await migrate(pool, migrations, logger)).toEqual([]);
  });

  it('applies only a migration added to the list since', async () => {
    const [old, added] = [uniqueName('old'), uniqueName('added')];
    await migrate(pool, [{ id: old, sql: `CREATE TABLE ${old} (n int)` }], logger);
    const applied = await migrate(
      pool,
      [
        { id: old, sql: `CREATE TABLE ${old} (n int)` },
        { id: added, sql: `CREATE TABLE ${added} (n int)` },
      ],
      logger,
    );
    expect(applied).toEqual([added]);
  });
});

describe('two processes migrating at once', () => {
  it('applies each migration exactly once: the advisory lock makes them take turns', async () => {
    const [slow, counter] = [uniqueName('slow'), uniqueName('counter')];
    await pool.query(`CREATE TABLE ${counter} (applied_by int)`);
    const migrations: Migration[] = [
      // Sleeps so that the second process arrives while the first holds the lock.
      { id: slow, sql: `SELECT pg_sleep(0.3); INSERT INTO ${counter} VALUES (1); CREATE TABLE ${slow} (n int)` },
      { id: `${slow}_next`, sql: `INSERT INTO ${counter} VALUES (2)` },
    ];
    const otherProcess = createPgPool({ url: database.url, logger });
    try {
      const [a, b] = await Promise.all([migrate(pool, migrations, logger), migrate(otherProcess, migrations, logger)]);
      expect([...a, ...b].sort()).toEqual([slow, `${slow}_next`].sort());
      expect((await pool.query(`SELECT applied_by FROM ${counter} ORDER BY applied_by`)).rows).toEqual([
        { applied_by: 1 },
        { applied_by: 2 },
      ]);
    } finally {
      await otherProcess.end();
    }
  });

  it('leaves the lock free afterwards, so the next run does not wait', async () => {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_locks
       WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(rows[0]?.n).toBe('0');
  });
});

describe('a migration that fails', () => {
  it('rolls back wholly, records nothing, stops there and names the migration', async () => {
    const [good, bad, after] = [uniqueName('good'), uniqueName('bad'), uniqueName('after')];
    const migrations: Migration[] = [
      { id: good, sql: `CREATE TABLE ${good} (n int)` },
      // Its first statement succeeds; the second fails: the table must not survive.
      { id: bad, sql: `CREATE TABLE ${bad} (n int); INSERT INTO ${bad} VALUES ('not a number')` },
      { id: after, sql: `CREATE TABLE ${after} (n int)` },
    ];

    const failure = await migrate(pool, migrations, logger).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect((failure as MigrationFailedError).migrationId).toBe(bad);
    expect((failure as Error).message).toContain(bad);

    expect(await tableExists(good)).toBe(true);
    expect(await tableExists(bad)).toBe(false);
    expect(await tableExists(after)).toBe(false);
    const ids = await appliedIds();
    expect(ids).toContain(good);
    expect(ids).not.toContain(bad);

    // Fixed, it applies on the next run, with what came after it.
    migrations[1] = { id: bad, sql: `CREATE TABLE ${bad} (n int)` };
    expect(await migrate(pool, migrations, logger)).toEqual([bad, after]);
  });
});

describe('lists from several modules', () => {
  it('refuses an id used twice before touching the database', async () => {
    const id = uniqueName('twice');
    await expect(
      migrate(
        pool,
        [
          { id, sql: `CREATE TABLE ${id} (n int)` },
          { id, sql: 'SELECT 1' },
        ],
        logger,
      ),
    ).rejects.toThrow(/appears twice/);
    expect(await tableExists(id)).toBe(false);
  });
});
