import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** A database of its own on the shared test cluster, so test files running in parallel never see each other's tables. */
export interface FreshDatabase {
  url: string;
  /** Drops it, closing any connection left open. */
  drop(): Promise<void>;
}

export async function createFreshDatabase(clusterUrl: string, purpose: string): Promise<FreshDatabase> {
  const name = `test_${purpose.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await asAdmin(clusterUrl, `CREATE DATABASE ${name}`);
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => dropDatabase(clusterUrl, name),
  };
}

/**
 * A closed pool's backends take a moment to exit after pool.end(): wait for them rather than FORCE at
 * once, which would fill the server log with "terminating connection" lines. FORCE only as a last resort.
 */
async function dropDatabase(clusterUrl: string, name: string): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      return await asAdmin(clusterUrl, `DROP DATABASE IF EXISTS ${name}`);
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error; // 55006: still being accessed
      await sleep(50);
    }
  }
  await asAdmin(clusterUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

async function asAdmin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
