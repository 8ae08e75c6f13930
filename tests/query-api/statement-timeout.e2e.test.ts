import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniqueSku, type TestApp } from '../support/test-app.ts';

const statementTimeoutMs = 1_000;
/** How long a blocked statement is let wait at most; far beyond the timeout, so reaching it means no timeout. */
const hangGuardMs = 10_000;

/** DATABASE_STATEMENT_TIMEOUT_MS: no request waits on the database for ever. */
describe('the request pool with a statement timeout', () => {
  let system: TestApp;
  beforeAll(async () => {
    system = await startTestApp({ services: ['query'], statementTimeoutMs });
  });
  afterAll(() => system?.close());

  it('cancels a statement that runs longer, with query_canceled (57014)', async () => {
    const slow = system.pool.query(`SELECT pg_sleep(${hangGuardMs / 1000})`);
    await expect(slow).rejects.toMatchObject({ code: '57014' });
  });

  it('answers a GET stuck behind a lock 503 database_unavailable with Retry-After, not 500', async () => {
    // Another session holds the table: the GET's SELECT waits for the lock until its statement timeout.
    const holder = new pg.Client({ connectionString: system.database.url });
    await holder.connect();
    let guard: NodeJS.Timeout | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE products IN ACCESS EXCLUSIVE MODE');
      guard = setTimeout(() => void holder.query('ROLLBACK').catch(() => undefined), hangGuardMs);
      const answer = await system.app.inject(`/products/${uniqueSku()}`);
      expect(answer.statusCode, answer.body).toBe(503);
      expect(answer.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
      expect(answer.json()).toMatchObject({ error: 'database_unavailable' });
    } finally {
      clearTimeout(guard);
      await holder.end();
    }
  });
});
