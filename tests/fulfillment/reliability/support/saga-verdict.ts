import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { expect } from 'vitest';
import { readGatewayLedger } from '../../../../command-services/payments/index.ts';
import type { EventStore } from '../../../../infra/event-store/index.ts';
import { allProjections } from '../../../../projections/index.ts';
import { checkSagaInvariants, type SagaOutcomes } from '../../support/saga-invariants.ts';
import { request } from './saga-http.ts';

/** Every subscription group of the whole system: the saga, the reactions that answer it, the read models. */
export const everyGroup = [
  'fulfillment-saga',
  'fulfillment-deadlines',
  'stock-requests',
  'order-verdicts',
  'payment-requests',
  ...allProjections.map((projection) => projection.name),
];

/**
 * Waits until none of `orderIds` is still `placed` in the orders read model, polling, until `until`
 * (Date.now() time); the orders still open then (empty: all ended).
 */
export async function waitForTerminal(pool: pg.Pool, orderIds: readonly string[], until: number): Promise<string[]> {
  for (;;) {
    const { rows } = await pool.query<{ order_id: string }>(
      `SELECT id::text AS order_id FROM unnest($1::uuid[]) AS id
        WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = id AND o.status <> 'placed')`,
      [orderIds],
    );
    if (rows.length === 0 || Date.now() > until) return rows.map((row) => row.order_id);
    await sleep(250);
  }
}

/**
 * Waits until every group has considered the head of `$all`, twice in a row with the same head: no
 * reaction has an event in flight (a checkpoint never passes one) nor anything left to append. Throws
 * after `timeoutMs`, naming the groups behind.
 */
export async function waitUntilSettled(pool: pg.Pool, eventStore: EventStore, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let settledAt: bigint | undefined;
  for (;;) {
    const head = await eventStore.headPosition();
    const { rows } = await pool.query<{ name: string; position: string | null }>('SELECT name, position::text FROM checkpoints');
    const at = new Map(rows.map((row) => [row.name, row.position === null ? -1n : BigInt(row.position)]));
    const behind = everyGroup.filter((group) => (at.get(group) ?? -1n) < head);
    if (behind.length === 0) {
      if (settledAt === head) return;
      settledAt = head;
    } else settledAt = undefined;
    if (Date.now() > until) {
      throw new Error(`not settled within ${timeoutMs} ms: head ${head}, behind: ${behind.map((group) => `${group}=${at.get(group) ?? 'none'}`).join(', ')}`);
    }
    await sleep(300);
  }
}

export interface SagaJudgement {
  eventStore: EventStore;
  /** The system's database: gateway ledger, dead letters. */
  pool: pg.Pool;
  /** The query API, for the read model's view of each order. */
  httpUrl: string;
  orderIds: readonly string[];
  skus: readonly string[];
  /** RELIABILITY_SEED=…, for every message. */
  seed: string;
}

/**
 * The verdict on a settled system: DESIGN §4.7 read from the event store (every order ended once, as its
 * saga asked; nothing oversold or released twice; nothing asked left unanswered), no event parked, the
 * simulated gateway's ledger (no order charged twice, no refund without a charge, no money kept by an
 * order turned down) and the orders read model agreeing with the event store.
 */
export async function judgeSaga(judgement: SagaJudgement): Promise<SagaOutcomes> {
  const { eventStore, pool, httpUrl, orderIds, skus, seed } = judgement;
  const outcomes = await checkSagaInvariants(eventStore, { orderIds, skus });
  expect(outcomes.violations, `${seed}: invariants of the saga`).toEqual([]);
  expect(outcomes.open, `${seed}: orders with no terminal event`).toEqual([]);
  expect(outcomes.pending, `${seed}: requests left unanswered`).toEqual([]);

  const { rows: parked } = await pool.query<{ name: string; key: string; error: string }>('SELECT name, key, error FROM dead_letters ORDER BY name, position');
  expect(parked, `${seed}: parked events`).toEqual([]);

  const money: string[] = [];
  for (const orderId of orderIds) {
    const ledger = await readGatewayLedger(pool, orderId);
    const ended = outcomes.ended.get(orderId);
    if (ledger.charges > 1) money.push(`${orderId} charged ${ledger.charges} times`);
    if (ledger.refunds > ledger.charges) money.push(`${orderId} refunded ${ledger.refunds} times for ${ledger.charges} charges`);
    if (ledger.refusedRefunds > 0) money.push(`${orderId}: ${ledger.refusedRefunds} refunds refused`);
    if (ledger.unsettled > 0) money.push(`${orderId}: ${ledger.unsettled} authorizations never settled`);
    if (ended?.status === 'confirmed' && (ledger.charges !== 1 || ledger.refunds !== 0)) {
      money.push(`confirmed ${orderId}: ${ledger.charges} charges, ${ledger.refunds} refunds`);
    }
    if (ended && ended.status !== 'confirmed' && ledger.charges !== ledger.refunds) {
      money.push(`${ended.status} ${orderId} keeps money: ${ledger.charges} charges, ${ledger.refunds} refunds`);
    }
  }
  expect(money, `${seed}: the gateway's ledger`).toEqual([]);

  const disagreements: string[] = [];
  let next = 0;
  const reader = async () => {
    while (next < orderIds.length) {
      const orderId = orderIds[next++]!;
      const answer = await request(httpUrl, 'GET', `/orders/${orderId}`);
      const view = answer.body as { status?: string; reason?: string | null };
      const ended = outcomes.ended.get(orderId);
      if (answer.status !== 200 || !ended || view.status !== ended.status || (ended.reason !== undefined && view.reason !== ended.reason)) {
        disagreements.push(`${orderId}: GET answered ${answer.status} ${JSON.stringify(answer.body)}, the event store says ${JSON.stringify(ended)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, reader));
  expect(disagreements, `${seed}: GET /orders/:id against the event store`).toEqual([]);
  return outcomes;
}

/** One line of what happened, for the log. */
export const describeOutcomes = (outcomes: SagaOutcomes) =>
  `${outcomes.confirmed} confirmed, ${outcomes.cancelled} cancelled, rejected ${JSON.stringify(outcomes.rejected)}`;
