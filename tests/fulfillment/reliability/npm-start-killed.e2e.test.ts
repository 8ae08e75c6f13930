import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createEventStore, type EventStore } from '../../../infra/event-store/index.ts';
import { createPgPool } from '../../../infra/postgres/pool.ts';
import type { LauncherProcess } from '../../support/launcher-process.ts';
import { postmasterOf, removeEmbeddedCluster } from './support/embedded-cluster.ts';
import { driveOrders, planOrders } from './support/order-traffic.ts';
import { logProgress } from './support/progress-log.ts';
import { useSagaHarness } from './support/saga-harness.ts';
import { stockCatalog } from './support/saga-http.ts';
import { describeOutcomes, judgeSaga, waitForTerminal, waitUntilSettled } from './support/saga-verdict.ts';

/**
 * The whole `npm start` (every service in one process, with no ESDB_URL nor DATABASE_URL: esdb-dev
 * durable and PostgreSQL embedded in DATA_DIR, a folder below a 0700 one) is killed with SIGKILL twice
 * while orders come in, and started again on the same DATA_DIR each time. The first kill leaves
 * PostgreSQL running, as a `kill -9` of npm start does; the second kills the postmaster too, as a crash
 * of the machine would. Every order acknowledged before, between or after the kills, and every order
 * the event store recorded without the client hearing back, ends once, every invariant holding.
 * RELIABILITY_SEED=<the seed it prints> replays the workload and the kill moments.
 */

const harness = useSagaHarness('npm-start');
const { random, seed } = harness;
const fulfillmentTimeoutMs = 15_000;
const stuckMarginMs = 45_000;

describe('npm start killed with SIGKILL mid-traffic and started again on the same DATA_DIR', () => {
  it('ends every order it recorded, acknowledged or not, with every invariant holding', { timeout: 300_000 }, async () => {
    const dataDir = await harness.folder('data');
    harness.defer(() => removeEmbeddedCluster(dataDir));
    const env = { ESDB_URL: undefined, DATABASE_URL: undefined, FULFILLMENT_TIMEOUT_MS: String(fulfillmentTimeoutMs), PAYMENT_SLOW_MS: '400' };
    const lifeNames = ['first life', 'after a kill -9', 'after a crash'];
    let life: LauncherProcess = harness.spawn({ name: lifeNames[0], dataDir, env });
    let httpUrl = (await life.up(120_000)).httpUrl;
    /** Where requests go: resolves with the current URL once the current life is up. */
    let serving: Promise<string> = Promise.resolve(httpUrl);

    const skus = await stockCatalog(httpUrl, random, { skus: 10, quantity: () => random.int(40, 120) });
    const plans = planOrders(random, {
      count: 300,
      skus,
      tokens: ['tok_ok', 'tok_ok', 'tok_ok', 'tok_slow', 'tok_slow', 'tok_decline', 'tok_error'],
      cancelShare: 0.1,
    });
    const startedAt = Date.now();
    let flowing = true;
    let acknowledgedSoFar = 0;
    const trafficDone = driveOrders({
      plans,
      concurrency: 6,
      target: () => serving,
      minDurationMs: 30_000,
      onAcknowledged: (count) => (acknowledgedSoFar = count),
    }).finally(() => (flowing = false));

    // Each kill lands once a seeded number of orders were acknowledged since the last start, so both
    // fall mid-traffic however fast the machine is.
    const kills: Array<{ how: string; atMs: number; lifeMs: number; acknowledged: number; midTraffic: boolean }> = [];
    for (const [index, how] of (['launcher', 'launcher and postmaster'] as const).entries()) {
      const bornAt = Date.now();
      const threshold = acknowledgedSoFar + random.int(40, 110);
      while (acknowledgedSoFar < threshold && flowing) await sleep(10);
      await sleep(random.int(0, 300));
      const postmaster = how === 'launcher' ? undefined : await postmasterOf(dataDir);
      if (how !== 'launcher') expect(postmaster, `${seed}: the postmaster on ${dataDir}`).toBeDefined();
      let restarted!: (url: string) => void;
      serving = new Promise((resolve) => (restarted = resolve));
      kills.push({ how, atMs: Date.now() - startedAt, lifeMs: Date.now() - bornAt, acknowledged: acknowledgedSoFar, midTraffic: flowing });
      await life.kill();
      if (postmaster !== undefined) process.kill(postmaster, 'SIGKILL');
      life = harness.spawn({ name: lifeNames[index + 1], dataDir, env });
      httpUrl = (await life.up(120_000)).httpUrl;
      restarted(httpUrl);
    }
    const lastUpAt = Date.now();
    const traffic = await trafficDone;

    // The last life's servers, as runtime.json names them.
    const runtime = await life.up(1_000);
    const pool: pg.Pool = createPgPool({ url: runtime.databaseUrl, logger: harness.logger, max: 4 });
    harness.defer(() => pool.end());
    const eventStore: EventStore = createEventStore({ url: runtime.esdbUrl, logger: harness.logger });
    harness.defer(() => eventStore.close());
    const progress = logProgress(() => ({ pool, eventStore }), startedAt);
    harness.defer(() => progress.stop());
    harness.onFailure(() => `--- progress:\n${progress.lines().join('\n')}`);

    const acknowledged = [...traffic.acknowledged.keys()];
    const stuck = await waitForTerminal(pool, acknowledged, Math.max(traffic.lastAcknowledgedAt + fulfillmentTimeoutMs, lastUpAt) + stuckMarginMs);
    expect(stuck, `${seed}: acknowledged orders still placed ${stuckMarginMs} ms past their deadline`).toEqual([]);
    await waitUntilSettled(pool, eventStore, 60_000);
    // Orders recorded though their POST got no answer (in flight at a kill) must end too.
    const { rows } = await pool.query<{ order_id: string }>('SELECT order_id::text FROM orders');
    const recorded = new Set(rows.map((row) => row.order_id));
    expect(acknowledged.filter((orderId) => !recorded.has(orderId)), `${seed}: acknowledged orders the read model never saw`).toEqual([]);
    const orderIds = [...recorded];
    const outcomes = await judgeSaga({ eventStore, pool, httpUrl, orderIds, skus, seed });

    const lost = traffic.unacknowledged.filter(({ answer }) => answer.status === 0).length;
    console.log(
      `npm-start-killed ${seed}: ${acknowledged.length} orders acknowledged, ${orderIds.length - acknowledged.length} more recorded of ${lost} left without an answer ` +
        `(${describeOutcomes(outcomes)}); kills: ${kills.map((k) => `${k.how} at ${(k.atMs / 1000).toFixed(1)} s (life ${k.lifeMs} ms, after ${k.acknowledged} acknowledged${k.midTraffic ? ', mid-traffic' : ''})`).join('; ')}; ` +
        `judged ${Date.now() - startedAt} ms after the traffic started`,
    );
    expect(kills.every((kill) => kill.midTraffic), `${seed}: both kills mid-traffic`).toBe(true);
    // No answer at all is what a kill does to the requests in flight; any answer but these would be a fault.
    expect(traffic.unacknowledged.filter(({ answer }) => answer.status !== 0).map(({ answer }) => answer), `${seed}: POST /orders answered but 201`).toEqual([]);
    const cancelAnswers = traffic.cancellations.map(({ answer }) => answer.status);
    expect(cancelAnswers.filter((status) => ![0, 202, 409].includes(status)), `${seed}: cancellations answered but 202 or 409`).toEqual([]);
  });
});
