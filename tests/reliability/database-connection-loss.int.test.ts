import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { allProjections } from '../../projections/index.ts';
import { testEnvironment } from '../support/environment.ts';
import { commerceWorkload } from './support/commerce-workload.ts';
import { spawnProjector } from './support/projector-process.ts';
import { slowestCheckpoint, waitForCheckpoints } from './support/read-model-database.ts';
import { expectIntactReadModels, useTestbed, waitFor } from './support/testbed.ts';
import { lastPosition, pacer, writeWorkload } from './support/workload-writer.ts';

/**
 * The projector (`npm start` with SERVICES=projections, in a child process, as deployed) catches up
 * with a stream of appends while, at random moments, every PostgreSQL connection it has is terminated
 * (pg_terminate_backend: the lock holders, and the batches being applied or committed), as a database
 * restart or failover would. It must ride it out (DESIGN §5: lost connections are retried forever) and
 * its read models end as a clean replay and as the events say: a lost connection rolls a batch back for a
 * retry, it never parks an event nor applies one twice. RELIABILITY_SEED=<the seed it prints> replays it.
 */

const { random, seed, store, defer, databases, esdbUrl } = useTestbed();
const terminations = 4;

/** Terminates every connection to `database`: how many, and how many of them were inside a transaction. */
async function terminateConnections(admin: pg.Client, database: string): Promise<{ all: number; inTransaction: number }> {
  const { rows } = await admin.query<{ all: string; in_transaction: string }>(
    `SELECT count(*) AS all, count(*) FILTER (WHERE xact_start IS NOT NULL) AS in_transaction
       FROM (SELECT xact_start, pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = $1) AS ended
      WHERE terminated`,
    [database],
  );
  return { all: Number(rows[0]?.all ?? 0), inTransaction: Number(rows[0]?.in_transaction ?? 0) };
}

describe('the projector losing its PostgreSQL connections while events keep coming', () => {
  it('keeps running and retries from the committed checkpoint: no event lost, parked or applied twice', { timeout: 120_000 }, async () => {
    const workload = commerceWorkload(random, { runId: randomBytes(4).toString('hex'), events: 4_000, skus: 40 });
    const { databaseUrl } = testEnvironment();
    const admin = new pg.Client({ connectionString: databaseUrl });
    admin.on('error', () => undefined); // a failure shows in the query that meets it
    await admin.connect();
    defer(() => admin.end());
    const dataDir = await mkdtemp(join(tmpdir(), 'commerce-pg-loss-'));
    defer(() => rm(dataDir, { recursive: true, force: true }));
    const { from, tested: followed, replay } = await databases('pg_loss');

    // Appends start with the projector, which has a backlog once up: the terminations fall while it commits batches.
    const projector = spawnProjector({ esdbUrl: esdbUrl(), databaseUrl: followed.url, dataDir });
    defer(() => projector.kill());
    let exitCode: number | string | undefined;
    void projector.exited.then((code) => (exitCode = code));
    const writer = writeWorkload(store(), workload, { concurrency: 8, pause: pacer(300) });
    defer(() => writer.written.catch(() => undefined));
    await projector.up(60_000);
    expect(await waitFor(async () => (await slowestCheckpoint(followed.pool)) > from, 30_000), 'following').toBe(true);
    const database = new URL(followed.url).pathname.slice(1);
    const ended: Array<{ all: number; inTransaction: number }> = [];
    // Batches commit in a few milliseconds: rounds go on (closer together) until one lands inside a transaction.
    const hitATransaction = () => ended.some((round) => round.inTransaction > 0);
    while ((ended.length < terminations || !hitATransaction()) && ended.length < 40 && exitCode === undefined) {
      await sleep(ended.length < terminations ? random.int(200, 1_000) : random.int(20, 200));
      ended.push(await terminateConnections(admin, database));
    }
    const writingMeanwhile = !writer.progress.done;

    const written = await writer.written;
    const head = lastPosition(written);
    const caughtUp = await waitFor(async () => exitCode !== undefined || (await slowestCheckpoint(followed.pool)) >= head, 60_000);
    console.log(
      `database-connection-loss ${seed}: ${workload.eventCount} events; connections terminated: ` +
        ended.map((round) => `${round.all} (${round.inTransaction} in a transaction)`).join(', '),
    );
    expect(exitCode, `the projector died of a lost connection:\n${projector.output()}`).toBeUndefined();
    expect(caughtUp, 'the read models reached the head').toBe(true);
    await projector.kill();
    await waitForCheckpoints(replay.pool, head, 60_000);

    expect(writingMeanwhile, 'appends were in flight during the terminations').toBe(true);
    expect(ended[0]?.all, 'the first round ended at least the lock holders').toBeGreaterThanOrEqual(allProjections.length);
    expect(ended.some((round) => round.inTransaction > 0), 'some round ended a batch inside its transaction').toBe(true);
    await expectIntactReadModels({ db: followed.pool, replay: replay.pool, workload, written, seed });
  });
});
