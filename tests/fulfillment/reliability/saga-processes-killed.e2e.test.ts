import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../reliability/support/seeded-random.ts';
import { describeKills, killRepeatedly, type Kill } from './support/kill-schedule.ts';
import { driveOrders, planOrders } from './support/order-traffic.ts';
import { logProgress } from './support/progress-log.ts';
import { useSagaHarness } from './support/saga-harness.ts';
import { stockCatalog } from './support/saga-http.ts';
import { describeOutcomes, judgeSaga, waitForTerminal, waitUntilSettled } from './support/saga-verdict.ts';

/**
 * The saga runner (SERVICES=fulfillment) and the payments reaction (SERVICES=payments), each in a
 * process of its own, are killed with SIGKILL at seeded moments while 500 orders come in over HTTP
 * (to a third process that never dies: command routes, inventory, orders, projections, query), and
 * restarted each time. Every acknowledged order must end, within its deadline and a margin, with every
 * invariant of the saga holding and no money moved twice. RELIABILITY_SEED=<the seed it prints>
 * replays the workload and the kill schedule (the moments they land at depend on the machine's speed).
 */

const harness = useSagaHarness('kills');
const { random, seed } = harness;
const orders = 500;
const fulfillmentTimeoutMs = 15_000;
/** Past the last deadline: a restart (5 s or more on a busy machine) and the backlog it finds. */
const stuckMarginMs = 45_000;
/** Each process's own stream of choices, so that one's timing never shifts the other's schedule. */
const forked = () => seededRandom(random.int(0, 2 ** 31));

describe('the saga runner and the payments reaction killed with SIGKILL mid-traffic', () => {
  it('end every acknowledged order once, with no double charge and no double release', { timeout: 300_000 }, async () => {
    const { url: esdbUrl, client: eventStore } = await harness.eventStore();
    const { url: databaseUrl, pool } = await harness.database('saga_kills');
    const env = { ESDB_URL: esdbUrl, DATABASE_URL: databaseUrl, FULFILLMENT_TIMEOUT_MS: String(fulfillmentTimeoutMs), PAYMENT_SLOW_MS: '400' };
    const [frontDir, sagaDir, paymentsDir] = await Promise.all(['front', 'fulfillment', 'payments'].map((name) => harness.folder(name)));
    const spawnSaga = () => harness.spawn({ name: 'fulfillment', services: ['fulfillment'], dataDir: sagaDir!, env });
    const spawnPayments = () => harness.spawn({ name: 'payments', services: ['payments'], dataDir: paymentsDir!, env });
    const front = harness.spawn({ name: 'front', services: ['catalog', 'inventory', 'orders', 'projections', 'query'], dataDir: frontDir!, env });
    const [saga, payments] = [spawnSaga(), spawnPayments()];
    const [{ httpUrl }] = await Promise.all([front.up(90_000), saga.up(90_000), payments.up(90_000)]);

    const skus = await stockCatalog(httpUrl, random, { skus: 12, quantity: () => random.int(60, 160) });
    const plans = planOrders(random, {
      count: orders,
      skus,
      tokens: ['tok_ok', 'tok_ok', 'tok_ok', 'tok_ok', 'tok_slow', 'tok_slow', 'tok_decline', 'tok_error'],
      cancelShare: 0.12,
    });

    const startedAt = Date.now();
    const progress = logProgress(() => ({ pool, eventStore }), startedAt);
    harness.defer(() => progress.stop());
    harness.onFailure(() => `--- progress:\n${progress.lines().join('\n')}`);
    let flowing = true;
    const kills: Kill[] = [];
    const schedule = {
      trafficFlowing: () => flowing,
      minKills: 3,
      maxKills: 6,
      lifeMs: [1_000, 6_000] as [number, number],
      downMs: [0, 1_500] as [number, number],
      bootingShare: 0.25,
      bootingMs: [300, 5_000] as [number, number],
      kills,
      startedAt,
    };
    const lastLives = Promise.all([
      killRepeatedly({ ...schedule, role: 'fulfillment', random: forked(), first: saga, spawn: spawnSaga }),
      killRepeatedly({ ...schedule, role: 'payments', random: forked(), first: payments, spawn: spawnPayments }),
    ]);
    const traffic = await driveOrders({ plans, concurrency: 6, target: async () => httpUrl, minDurationMs: 20_000 }).finally(() => (flowing = false));
    const trafficMs = Date.now() - startedAt;
    const lives = await lastLives;
    const lastUpAt = Date.now();

    expect(traffic.unacknowledged.map(({ answer }) => answer), `${seed}: POST /orders answered but 201`).toEqual([]);
    const cancelled = traffic.cancellations.map(({ answer }) => answer.status);
    expect(cancelled.filter((status) => status !== 202 && status !== 409), `${seed}: cancellations answered but 202 or 409`).toEqual([]);
    for (const role of ['fulfillment', 'payments']) {
      expect(kills.filter((kill) => kill.role === role).length, `${seed}: kills of ${role}`).toBeGreaterThanOrEqual(3);
      expect(kills.filter((kill) => kill.role === role && kill.midTraffic).length, `${seed}: kills of ${role} mid-traffic`).toBeGreaterThan(0);
    }

    // Nothing stuck: every order ends by its deadline, plus what a restart and its backlog take.
    const orderIds = [...traffic.acknowledged.keys()];
    const stuck = await waitForTerminal(pool, orderIds, Math.max(traffic.lastAcknowledgedAt + fulfillmentTimeoutMs, lastUpAt) + stuckMarginMs);
    const terminalMs = Date.now() - startedAt;
    expect(stuck, `${seed}: orders still placed ${stuckMarginMs} ms past their deadline (kills: ${describeKills(kills)})`).toEqual([]);
    await waitUntilSettled(pool, eventStore, 60_000);

    const outcomes = await judgeSaga({ eventStore, pool, httpUrl, orderIds, skus, seed });
    console.log(
      `saga-processes-killed ${seed}: ${orderIds.length} orders (${describeOutcomes(outcomes)}), ` +
        `${cancelled.filter((status) => status === 202).length} cancellations accepted; ${kills.length} kills: ${describeKills(kills)}; ` +
        `traffic ${trafficMs} ms, all terminal ${terminalMs} ms, judged ${Date.now() - startedAt} ms after the traffic started`,
    );
    await Promise.all([front, ...lives].map((life) => life.kill()));
  });
});
