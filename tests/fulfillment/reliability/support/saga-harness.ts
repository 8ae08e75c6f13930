import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEsdbDev } from '../../../../infra/esdb-dev/index.ts';
import { createEventStore, type EventStore } from '../../../../infra/event-store/index.ts';
import { createLogger, type Logger } from '../../../../infra/logger.ts';
import { createPgPool } from '../../../../infra/postgres/pool.ts';
import { createFreshDatabase } from '../../../postgres/fresh-database.ts';
import { seededRandom, type SeededRandom } from '../../../reliability/support/seeded-random.ts';
import { testEnvironment } from '../../../support/environment.ts';
import { spawnLauncher, type LauncherOptions, type LauncherProcess } from '../../../support/launcher-process.ts';

export interface SagaHarness {
  random: SeededRandom;
  /** `RELIABILITY_SEED=…`: in every failure message, so that the run can be replayed. */
  seed: string;
  logger: Logger;
  /** A fresh folder of this file's (removed in afterAll). */
  folder(name: string): Promise<string>;
  /** Spawns a launcher that afterAll kills (its process group) if the test has not. */
  spawn(options: LauncherOptions): LauncherProcess;
  /** An in-memory esdb-dev of this file's own, and a client of it; both stopped in afterAll. */
  eventStore(): Promise<{ url: string; client: EventStore }>;
  /** A fresh database on the run's cluster and a pool on it; dropped in afterAll. */
  database(purpose: string): Promise<{ url: string; pool: pg.Pool }>;
  /** Registers an undoing; all run in afterAll, newest first, after every launcher is killed. */
  defer(cleanup: () => Promise<unknown>): void;
  /** Registers what to print when the test fails, beside the end of each launcher's output. */
  onFailure(describe: () => string): void;
}

/**
 * The hooks of a saga reliability test file: what it starts (launchers, esdb-dev, databases, folders)
 * is undone in afterAll, even after a failure, launchers first (a process group killed at once).
 */
export function useSagaHarness(name: string): SagaHarness {
  const random = seededRandom();
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
  const cleanups: Array<() => Promise<unknown>> = [];
  const launchers: LauncherProcess[] = [];
  const diagnostics: Array<() => string> = [];
  let workDir: string | undefined;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), `saga-${name}-`));
  });
  afterAll(async () => {
    const failures: unknown[] = [];
    await Promise.all(launchers.map((launcher) => launcher.kill().catch((error: unknown) => failures.push(error))));
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => failures.push(error));
    if (workDir) await rm(workDir, { recursive: true, force: true });
    if (failures.length > 0) throw failures[0];
  });
  // A failure's message says what broke; the processes' own words (warnings and errors) say why.
  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    for (const launcher of launchers) {
      const lines = launcher.output().trimEnd().split('\n').slice(-30).join('\n');
      if (lines) console.log(`--- ${launcher.name} (pid ${launcher.pid}), the end of its output:\n${lines}`);
    }
    for (const describe of diagnostics) console.log(describe());
    console.log(`--- replay with RELIABILITY_SEED=${random.seed}`);
  });
  const defer = (cleanup: () => Promise<unknown>) => void cleanups.push(cleanup);

  return {
    random,
    seed: `RELIABILITY_SEED=${random.seed}`,
    logger,
    folder: async (folderName) => {
      if (!workDir) throw new Error('folders exist once beforeAll has run');
      const path = join(workDir, folderName);
      await mkdir(path, { recursive: true });
      return path;
    },
    spawn: (options) => {
      const launcher = spawnLauncher(options);
      launchers.push(launcher);
      return launcher;
    },
    eventStore: async () => {
      const server = await startEsdbDev({ port: 0, logger });
      defer(() => server.stop());
      const client = createEventStore({ url: server.url, logger });
      defer(() => client.close());
      return { url: server.url, client };
    },
    database: async (purpose) => {
      const database = await createFreshDatabase(testEnvironment().databaseUrl, purpose);
      defer(() => database.drop());
      const pool = createPgPool({ url: database.url, logger, max: 8 });
      defer(() => pool.end());
      return { url: database.url, pool };
    },
    defer,
    onFailure: (describe) => void diagnostics.push(describe),
  };
}
