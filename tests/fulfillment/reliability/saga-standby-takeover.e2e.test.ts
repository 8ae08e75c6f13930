import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { LauncherProcess } from '../../support/launcher-process.ts';
import { driveOrders, planOrders } from './support/order-traffic.ts';
import { logProgress } from './support/progress-log.ts';
import { useSagaHarness } from './support/saga-harness.ts';
import { stockCatalog } from './support/saga-http.ts';
import { checkpointRow, lockHolders, runnerState } from './support/saga-lock.ts';
import { describeOutcomes, judgeSaga, waitForTerminal, waitUntilSettled } from './support/saga-verdict.ts';

/**
 * Two saga processes (SERVICES=fulfillment) on one database: one runs the fulfillment-saga group, the
 * other waits as its standby (DESIGN §8). The active one is killed with SIGKILL mid-traffic, twice (the
 * killed one comes back as the new standby in between): each time the standby takes over, and the orders
 * go on ending, every invariant holding. Slow payments outlast their deadline, so both processes' deadline
 * schedulers write to sagas the active runner also writes to. The takeover times are printed; only a generous bound is
 * asserted. RELIABILITY_SEED=<the seed it prints> replays the workload and the kill moments.
 */

const harness = useSagaHarness('standby');
const { random, seed } = harness;
const group = 'fulfillment-saga';
const fulfillmentTimeoutMs = 15_000;
const stuckMarginMs = 45_000;
/** Generous: a takeover takes milliseconds (the lock goes with the killed process's connection). */
const takeoverBoundMs = 30_000;
const active = (state: string | undefined) => state === 'running' || state === 'catching-up' || state === 'live';

interface Takeover {
  /** Kill to the epoch bumped by the standby's lease. */
  leaseMs: number;
  /** Kill to the new holder's first checkpoint commit past where the killed one left it. */
  firstCommitMs: number;
  /** Kill to the standby's /metrics showing it running the group. */
  shownMs: number;
}

describe('two saga processes on one database', () => {
  it('run the saga one at a time; the standby takes over when the active one is killed, and orders go on ending', { timeout: 300_000 }, async () => {
    const { url: esdbUrl, client: eventStore } = await harness.eventStore();
    const { url: databaseUrl, pool } = await harness.database('saga_standby');
    // tok_slow answers after the deadline: those orders time out (fired by either process's scheduler, whichever
    // comes first, the standby's included) and their late authorizations are refunded.
    const env = { ESDB_URL: esdbUrl, DATABASE_URL: databaseUrl, FULFILLMENT_TIMEOUT_MS: String(fulfillmentTimeoutMs), PAYMENT_SLOW_MS: '16000' };
    const [frontDir, dirA, dirB] = await Promise.all(['front', 'saga-a', 'saga-b'].map((name) => harness.folder(name)));
    const front = harness.spawn({ name: 'front', services: ['catalog', 'inventory', 'orders', 'payments', 'projections', 'query'], dataDir: frontDir!, env });
    const spawnSaga = (name: 'saga-a' | 'saga-b') => harness.spawn({ name, services: ['fulfillment'], dataDir: name === 'saga-a' ? dirA! : dirB!, env });
    const sagas = new Map<'saga-a' | 'saga-b', LauncherProcess>([
      ['saga-a', spawnSaga('saga-a')],
      ['saga-b', spawnSaga('saga-b')],
    ]);
    const [{ httpUrl }] = await Promise.all([front.up(90_000), ...[...sagas.values()].map((saga) => saga.up(90_000))]);
    const urls = new Map<string, string>();
    for (const [name, saga] of sagas) urls.set(name, (await saga.up(1_000)).httpUrl);

    /** The two roles, once each process says one: [active, standby], checked against pg_locks. */
    const roles = async (): Promise<['saga-a' | 'saga-b', 'saga-b' | 'saga-a']> => {
      const until = Date.now() + 60_000;
      for (;;) {
        const [a, b] = await Promise.all([runnerState(urls.get('saga-a')!, group), runnerState(urls.get('saga-b')!, group)]);
        const locks = await lockHolders(pool, group);
        const settled = locks.holding === 1 && locks.waiting === 1;
        if (settled && active(a) && b === 'standby') return ['saga-a', 'saga-b'];
        if (settled && active(b) && a === 'standby') return ['saga-b', 'saga-a'];
        if (Date.now() > until) throw new Error(`${seed}: no clear roles: saga-a ${a}, saga-b ${b}, lock ${JSON.stringify(locks)}`);
        await sleep(100);
      }
    };
    const first = await roles();

    const skus = await stockCatalog(httpUrl, random, { skus: 10, quantity: () => random.int(60, 140) });
    const plans = planOrders(random, {
      count: 300,
      skus,
      tokens: ['tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_slow', 'tok_decline', 'tok_error'],
      cancelShare: 0.1,
    });
    const startedAt = Date.now();
    const progress = logProgress(() => ({ pool, eventStore }), startedAt);
    harness.defer(() => progress.stop());
    harness.onFailure(() => `--- progress:\n${progress.lines().join('\n')}`);
    let flowing = true;
    let acknowledgedSoFar = 0;
    const trafficDone = driveOrders({
      plans,
      concurrency: 6,
      target: async () => httpUrl,
      minDurationMs: 45_000,
      onAcknowledged: (count) => (acknowledgedSoFar = count),
    }).finally(() => (flowing = false));

    /** Kills the active saga process once a seeded number more orders were acknowledged, and times the standby's takeover. */
    const killActive = async ([activeName, standbyName]: ['saga-a' | 'saga-b', 'saga-b' | 'saga-a']): Promise<Takeover & { midTraffic: boolean }> => {
      const threshold = acknowledgedSoFar + random.int(25, 60);
      while (acknowledgedSoFar < threshold && flowing) await sleep(10);
      await sleep(random.int(0, 300));
      const before = await checkpointRow(pool, group);
      const midTraffic = flowing;
      const killedAt = Date.now();
      await sagas.get(activeName)!.kill();
      const took: Partial<Takeover> = {};
      const standbyUrl = urls.get(standbyName)!;
      const watchMetrics = (async () => {
        while (!active(await runnerState(standbyUrl, group)) && Date.now() - killedAt < takeoverBoundMs) await sleep(25);
        took.shownMs = Date.now() - killedAt;
      })();
      while (Date.now() - killedAt < takeoverBoundMs && took.firstCommitMs === undefined) {
        const row = await checkpointRow(pool, group);
        if (row.epoch > before.epoch) took.leaseMs ??= Date.now() - killedAt;
        if (row.epoch > before.epoch && row.position !== before.position) took.firstCommitMs = Date.now() - killedAt;
        await sleep(10);
      }
      await watchMetrics;
      return { leaseMs: took.leaseMs ?? Infinity, firstCommitMs: took.firstCommitMs ?? Infinity, shownMs: took.shownMs ?? Infinity, midTraffic };
    };

    const takeovers: Array<Takeover & { midTraffic: boolean }> = [];
    takeovers.push(await killActive(first));
    // The killed one comes back, as the standby now.
    sagas.set(first[0], spawnSaga(first[0]));
    urls.set(first[0], (await sagas.get(first[0])!.up(90_000)).httpUrl);
    const second = await roles();
    expect(second, `${seed}: roles after the first takeover`).toEqual([first[1], first[0]]);
    takeovers.push(await killActive(second));
    sagas.set(second[0], spawnSaga(second[0]));
    urls.set(second[0], (await sagas.get(second[0])!.up(90_000)).httpUrl);
    expect(await roles(), `${seed}: roles after the second takeover`).toEqual([second[1], second[0]]);

    const traffic = await trafficDone;
    expect(traffic.unacknowledged.map(({ answer }) => answer), `${seed}: POST /orders answered but 201`).toEqual([]);
    const cancelled = traffic.cancellations.map(({ answer }) => answer.status);
    expect(cancelled.filter((status) => status !== 202 && status !== 409), `${seed}: cancellations answered but 202 or 409`).toEqual([]);
    const orderIds = [...traffic.acknowledged.keys()];
    const stuck = await waitForTerminal(pool, orderIds, traffic.lastAcknowledgedAt + fulfillmentTimeoutMs + stuckMarginMs);
    expect(stuck, `${seed}: orders still placed ${stuckMarginMs} ms past their deadline`).toEqual([]);
    await waitUntilSettled(pool, eventStore, 60_000);
    const outcomes = await judgeSaga({ eventStore, pool, httpUrl, orderIds, skus, seed });

    console.log(
      `saga-standby-takeover ${seed}: ${orderIds.length} orders (${describeOutcomes(outcomes)}); takeovers after kill -9 of the active one: ` +
        takeovers.map((t) => `lease ${t.leaseMs} ms, first commit ${t.firstCommitMs} ms, shown on /metrics ${t.shownMs} ms`).join('; ') +
        `; judged ${Date.now() - startedAt} ms after the traffic started`,
    );
    for (const takeover of takeovers) {
      expect(takeover.midTraffic, `${seed}: killed mid-traffic`).toBe(true);
      expect(takeover.firstCommitMs, `${seed}: the standby took over and committed within ${takeoverBoundMs} ms`).toBeLessThan(takeoverBoundMs);
    }
    await Promise.all([front, ...sagas.values()].map((life) => life.kill()));
  });
});
