import type pg from 'pg';
import type { Logger } from '../logger.ts';

/**
 * One step of the database schema. `id` is unique across every module's list and never changes once
 * released (it is what schema_migrations remembers); `sql` may hold several statements. The runner wraps
 * it in a transaction, so it must not contain BEGIN/COMMIT or statements that refuse to run inside one
 * (CREATE INDEX CONCURRENTLY, ALTER TYPE … ADD VALUE before PostgreSQL 12).
 */
export interface Migration {
  id: string;
  sql: string;
}

/** A migration's SQL failed; it was rolled back, and the ones after it were not tried. */
export class MigrationFailedError extends Error {
  constructor(
    readonly migrationId: string,
    options: { cause: unknown },
  ) {
    super(`migration ${migrationId} failed: ${(options.cause as Error)?.message ?? String(options.cause)}`, options);
    this.name = 'MigrationFailedError';
  }
}

/**
 * Arbitrary but fixed: every process migrating this database asks for the same advisory lock. Advisory
 * locks are scoped to the database, so other databases on the cluster never wait for it.
 */
export const MIGRATION_LOCK_KEY = 4_738_201_977_310_244n;

const createLedger = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    id text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

/**
 * Applies, in the order given, each migration that schema_migrations does not list yet; returns the ids it
 * applied. Each migration commits together with its schema_migrations row, so a crash or a failure leaves
 * it either wholly applied and recorded or not at all. An advisory lock held for the whole run on one
 * dedicated connection makes processes starting at once take turns: the second finds everything applied.
 */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[], logger: Logger): Promise<string[]> {
  assertUniqueIds(migrations);
  const log = logger.child({ component: 'migrations' });
  const client = await pool.connect();
  let unlocked = false;
  try {
    await takeLock(client, log);
    try {
      // Created under the lock: two concurrent CREATE TABLE IF NOT EXISTS can still collide.
      await client.query(createLedger);
      const done = await client.query<{ id: string }>('SELECT id FROM schema_migrations');
      const applied = new Set(done.rows.map((row) => row.id));

      const appliedNow: string[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.id)) continue;
        await applyOne(client, migration, log);
        appliedNow.push(migration.id);
      }
      log.info({ applied: appliedNow, alreadyApplied: applied.size }, 'database schema is up to date');
      return appliedNow;
    } finally {
      unlocked = await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).then(
        () => true,
        () => false,
      );
    }
  } finally {
    // A connection whose unlock failed may still hold the lock: destroy it rather than pool it, since
    // closing the session is what releases a session-level lock for sure.
    client.release(!unlocked);
  }
}

async function takeLock(client: pg.PoolClient, log: Logger): Promise<void> {
  const tried = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
  if (tried.rows[0]?.locked) return;
  log.info('another process is migrating this database; waiting for it');
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
}

async function applyOne(client: pg.PoolClient, migration: Migration, log: Logger): Promise<void> {
  const started = Date.now();
  try {
    await client.query('BEGIN');
    // No parameters: the simple query protocol, which accepts several statements in one string.
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, now())', [migration.id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationFailedError(migration.id, { cause: error });
  }
  log.info({ migration: migration.id, ms: Date.now() - started }, 'applied migration');
}

/** Lists from several modules are concatenated: a reused id would silently skip someone's migration. */
function assertUniqueIds(migrations: readonly Migration[]): void {
  const seen = new Set<string>();
  for (const { id } of migrations) {
    if (typeof id !== 'string' || id.trim() === '') throw new Error('a migration has an empty id');
    if (seen.has(id)) throw new Error(`migration id ${id} appears twice; ids must be unique across all modules`);
    seen.add(id);
  }
}
