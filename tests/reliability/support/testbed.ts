import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect } from 'vitest';
import { startEsdbDev } from '../../../infra/esdb-dev/index.ts';
import { createEventStore, type EventStore } from '../../../infra/event-store/index.ts';
import { createLogger, type Logger } from '../../../infra/logger.ts';
import type { Queryable } from '../../../projections/index.ts';
import { testEnvironment } from '../../support/environment.ts';
import type { Workload } from './commerce-workload.ts';
import { readModelDatabase, rowsOf, startAllRunners, type ReadModelDatabase } from './read-model-database.ts';
import { actualFacts, expectedFacts } from './reference-model.ts';
import { seededRandom, type SeededRandom } from './seeded-random.ts';
import type { WrittenAppend } from './workload-writer.ts';

export interface Testbed {
  random: SeededRandom;
  /** `RELIABILITY_SEED=…`: in every failure message, so that the run can be replayed. */
  seed: string;
  logger: Logger;
  /** The event store of this file: its own in-memory esdb-dev, or the configured ESDB_URL (see useTestbed). */
  esdbUrl(): string;
  /** A client of that event store, talking to it directly. */
  store(): EventStore;
  /** Registers the undoing of what a test just started; all run in afterAll, newest first, even after a failure. */
  defer(cleanup: () => Promise<unknown>): void;
  /**
   * The databases of one test, both starting after the head of the log as it is now: `tested`, for the
   * read models under test, and `replay`, which in-process runners already follow undisturbed.
   */
  databases(purpose: string): Promise<{ from: bigint; tested: ReadModelDatabase; replay: ReadModelDatabase }>;
}

/**
 * Registers the hooks of a reliability test file. On esdb-dev the file gets an esdb-dev of its own: the
 * tens of thousands of events it writes would otherwise land in the run's shared log, which other test
 * files replay from the start with a bounded wait. Against a configured ESDB_URL it uses that server
 * (unique keys, read models starting at its head), since that is the server the run means to test.
 */
export function useTestbed(): Testbed {
  const random = seededRandom();
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
  const cleanups: Array<() => Promise<unknown>> = [];
  let url: string | undefined;
  let store: EventStore | undefined;
  beforeAll(async () => {
    const { esdbUrl, esdbIsDev } = testEnvironment();
    url = esdbUrl;
    if (esdbIsDev) {
      const server = await startEsdbDev({ port: 0, logger });
      cleanups.push(() => server.stop());
      url = server.url;
    }
    const client = createEventStore({ url, logger });
    cleanups.push(() => client.close());
    store = client;
  });
  afterAll(async () => {
    const failures: unknown[] = [];
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  });
  const defer = (cleanup: () => Promise<unknown>) => void cleanups.push(cleanup);
  const storeOrThrow = () => {
    if (!store) throw new Error('the event store client exists once beforeAll has run');
    return store;
  };
  return {
    random,
    seed: `RELIABILITY_SEED=${random.seed}`,
    logger,
    esdbUrl: () => {
      if (!url) throw new Error('the event store exists once beforeAll has run');
      return url;
    },
    store: storeOrThrow,
    defer,
    databases: async (purpose) => {
      const { databaseUrl } = testEnvironment();
      const from = await storeOrThrow().headPosition();
      const tested = await readModelDatabase(databaseUrl, `reliability_${purpose}`, from, logger);
      defer(() => tested.drop());
      const replay = await readModelDatabase(databaseUrl, `reliability_${purpose}_replay`, from, logger);
      defer(() => replay.drop());
      const runners = startAllRunners(replay.pool, storeOrThrow(), logger);
      defer(() => Promise.all(runners.map((runner) => runner.stop())));
      return { from, tested, replay };
    },
  };
}

/**
 * The verdict of every reliability test: nothing parked, every order there, the rows of a clean
 * replay of the same log (positions and timestamps included), and the counts the events imply.
 */
export async function expectIntactReadModels(options: {
  db: Queryable;
  replay: Queryable;
  workload: Workload;
  written: WrittenAppend[];
  seed: string;
}): Promise<void> {
  const { db, replay, workload, written, seed } = options;
  const rows = await rowsOf(db, workload);
  expect(rows.dead_letters, `${seed}: parked events`).toEqual([]);
  expect(rows.orders, `${seed}: one row per order`).toHaveLength(workload.orderIds.length);
  expect(rows, `${seed}: the rows of a clean replay`).toEqual(await rowsOf(replay, workload));
  expect(await actualFacts(db, workload), `${seed}: what the events imply`).toEqual(expectedFacts(written));
}

/** Resolves once `check` holds, polling; false (no throw) when it did not within `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) return false;
    await sleep(20);
  }
  return true;
}
