import { inject } from 'vitest';

/** The servers of this test run (started by global-setup, or configured by ESDB_URL / DATABASE_URL). */
export const testEnvironment = () => ({
  esdbUrl: inject('esdbUrl'),
  esdbIsDev: inject('esdbIsDev'),
  databaseUrl: inject('databaseUrl'),
});
