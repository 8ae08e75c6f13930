import { randomBytes } from 'node:crypto';
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
    drop: () => asAdmin(clusterUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
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
