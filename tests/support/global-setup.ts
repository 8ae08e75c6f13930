import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import 'vitest';
import { startEsdbDev } from '../../infra/esdb-dev/index.ts';
import { startEmbeddedPostgres } from '../../infra/postgres/embedded-postgres.ts';
import { createLogger } from '../../infra/logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the event store every test talks to. */
    esdbUrl: string;
    /** True when the suite runs against esdb-dev it started, false for a configured ESDB_URL. */
    esdbIsDev: boolean;
    /** Connection string of the PostgreSQL server every test talks to. */
    databaseUrl: string;
  }
}

/**
 * Starts one in-memory esdb-dev and one throwaway embedded PostgreSQL per run, unless
 * ESDB_URL / DATABASE_URL point at real servers.
 */
export default async function setup(project: TestProject) {
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'test-setup' });
  const stops: Array<() => Promise<void>> = [];

  let esdbUrl = process.env.ESDB_URL;
  if (!esdbUrl) {
    const esdb = await startEsdbDev({ port: 0, logger });
    stops.push(() => esdb.stop());
    esdbUrl = esdb.url;
  }

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'commerce-test-pg-'));
    const pg = await startEmbeddedPostgres({ dataDir, logger, persistent: false });
    stops.push(async () => {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    databaseUrl = pg.url;
  }

  project.provide('esdbUrl', esdbUrl);
  project.provide('esdbIsDev', !process.env.ESDB_URL);
  project.provide('databaseUrl', databaseUrl);

  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
