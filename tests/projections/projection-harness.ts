import pg from 'pg';
import type { StoredEvent } from '../../domain/events.ts';
import { createLogger } from '../../infra/logger.ts';
import { migrate } from '../../infra/postgres/migrations.ts';
import type { ProjectedEvent, Projection } from '../../projections/projection.ts';
import { createFreshDatabase, type FreshDatabase } from '../postgres/fresh-database.ts';
import { testEnvironment } from '../support/environment.ts';

/**
 * A projection on a database of its own, applying events the way the runner will: each event's
 * statements in one transaction. Tests then read rows through the projection's queries.
 */
export interface ProjectionHarness {
  pool: pg.Pool;
  /** Applies the events in the order given, each in its own transaction. */
  apply(...events: ProjectedEvent[]): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(projection: Projection): Promise<ProjectionHarness> {
  const database: FreshDatabase = await createFreshDatabase(testEnvironment().databaseUrl, `projection_${projection.name}`);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  await migrate(pool, projection.migrations, createLogger({ level: 'silent' }));
  return {
    pool,
    async apply(...events) {
      for (const projected of events) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          for (const statement of projection.apply(projected).statements) await client.query(statement.text, statement.values);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      }
    },
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}

let nextPosition = 1000n;

/** Wraps a domain event as the runner hands it over; positions grow unless one is given. */
export function projected(event: StoredEvent, options: { position?: bigint; at?: string } = {}): ProjectedEvent {
  const position = options.position ?? (nextPosition += 100n);
  return {
    id: `00000000-0000-4000-8000-${position.toString(16).padStart(12, '0')}`,
    event,
    metadata: {},
    streamName: 'test-stream',
    revision: 0n,
    position,
    createdAt: new Date(options.at ?? Date.UTC(2026, 0, 1, 0, 0, Number(position % 50_000n))),
  };
}

/** A position past uint63: proves positions never pass through bigint columns or JS numbers. */
export const HUGE_POSITION = 2n ** 64n - 2n;
