import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfillmentProjection } from '../../projections/fulfillment/fulfillment-projection.ts';
import { countSagas, getFulfillment, listFulfillments } from '../../projections/fulfillment/queries.ts';
import { projected, startHarness, type ProjectionHarness } from './projection-harness.ts';

let harness: ProjectionHarness;
beforeAll(async () => {
  harness = await startHarness(fulfillmentProjection);
});
afterAll(async () => harness?.close());

const dueAt = '2026-03-01T10:00:30.000Z';

describe('a saga that starts', () => {
  const orderId = randomUUID();
  const reservation = projected({ type: 'StockReservationRequested', data: { orderId, sku: 'mug', quantity: 2 } }, { at: '2026-03-01T10:00:00.000Z' });
  const deadline = projected({ type: 'FulfillmentDeadlineSet', data: { orderId, dueAt } }, { at: '2026-03-01T10:00:00.000Z' });

  it('is reserving stock, with its deadline and a step per event', async () => {
    await harness.apply(reservation, deadline, reservation, deadline);
    expect(await getFulfillment(harness.pool, orderId)).toEqual({
      orderId,
      state: 'reserving_stock',
      deadline: dueAt,
      steps: [
        { type: 'StockReservationRequested', sku: 'mug', quantity: 2, at: '2026-03-01T10:00:00.000Z', position: reservation.position.toString() },
        { type: 'FulfillmentDeadlineSet', dueAt, at: '2026-03-01T10:00:00.000Z', position: deadline.position.toString() },
      ],
      position: deadline.position.toString(),
    });
  });

  it('awaits payment without ever showing the token', async () => {
    await harness.apply(projected({ type: 'PaymentRequested', data: { orderId, amount: 3000, currency: 'EUR', token: 'tok_secret_ok' } }));
    const saga = await getFulfillment(harness.pool, orderId);
    expect(saga).toMatchObject({ state: 'awaiting_payment' });
    expect(saga?.steps.at(-1)).toMatchObject({ type: 'PaymentRequested', amount: 3000, currency: 'EUR' });
    expect(JSON.stringify(saga)).not.toContain('tok_secret');
  });

  it('ends with its outcome, and a late older step neither moves the state nor the deadline', async () => {
    const completed = projected({ type: 'FulfillmentCompleted', data: { orderId, outcome: 'confirmed' } });
    await harness.apply(completed);
    const lateDeadline = projected({ type: 'FulfillmentDeadlineSet', data: { orderId, dueAt: '2030-01-01T00:00:00.000Z' } }, { position: completed.position - 1n });
    await harness.apply(lateDeadline);
    const saga = await getFulfillment(harness.pool, orderId);
    expect(saga).toMatchObject({ state: 'confirmed', deadline: dueAt, position: completed.position.toString() });
    expect(saga?.steps.map((step) => step.type).slice(-2)).toEqual(['FulfillmentDeadlineSet', 'FulfillmentCompleted']);
  });
});

describe('a saga that compensates', () => {
  it('is compensating after a timeout, then rejected', async () => {
    const orderId = randomUUID();
    await harness.apply(projected({ type: 'FulfillmentTimedOut', data: { orderId } }));
    expect(await getFulfillment(harness.pool, orderId)).toMatchObject({ state: 'compensating', deadline: null });
    await harness.apply(
      projected({ type: 'OrderRejectionRequested', data: { orderId, reason: 'timed_out' } }),
      projected({ type: 'FulfillmentCompleted', data: { orderId, outcome: 'rejected' } }),
    );
    const saga = await getFulfillment(harness.pool, orderId);
    expect(saga?.state).toBe('rejected');
    expect(saga?.steps[1]).toMatchObject({ type: 'OrderRejectionRequested', reason: 'timed_out' });
  });
});

describe('a saga completed as rejected that hands back a late authorization', () => {
  it('stays rejected: a refund request is a step, not a state', async () => {
    const orderId = randomUUID();
    await harness.apply(
      projected({ type: 'OrderRejectionRequested', data: { orderId, reason: 'timed_out' } }),
      projected({ type: 'FulfillmentCompleted', data: { orderId, outcome: 'rejected' } }),
      projected({ type: 'RefundRequested', data: { orderId, amount: 3000, currency: 'EUR' } }),
    );
    const saga = await getFulfillment(harness.pool, orderId);
    expect(saga?.state).toBe('rejected');
    expect(saga?.steps.at(-1)).toMatchObject({ type: 'RefundRequested', amount: 3000, currency: 'EUR' });
  });
});

describe('looking sagas up', () => {
  it('lists every saga once by order id, and finds nothing for a malformed id', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listFulfillments(harness.pool, { limit: 1, ...(cursor === undefined ? {} : { cursor }) });
      ids.push(...page.items.map((item) => item.orderId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(await getFulfillment(harness.pool, 'nope')).toBeUndefined();
  });

  it('keys each event by its order and announces the saga', () => {
    const orderId = randomUUID();
    const event = projected({ type: 'OrderConfirmationRequested', data: { orderId } });
    expect(fulfillmentProjection.key(event)).toBe(orderId);
    expect(fulfillmentProjection.apply(event).changes).toEqual([{ topic: 'fulfillment', key: orderId }]);
  });
});

describe('counting sagas for /metrics', () => {
  it('counts each state, the sagas still waiting past their deadline, and those without a step for too long', async () => {
    const late = randomUUID();
    const fresh = randomUUID();
    await harness.apply(
      projected({ type: 'FulfillmentStarted', data: { orderId: late, amount: 100, currency: 'EUR', token: 'tok_ok' } }, { at: '2026-03-01T10:00:00.000Z' }),
      projected({ type: 'FulfillmentDeadlineSet', data: { orderId: late, dueAt: '2026-03-01T10:00:30.000Z' } }, { at: '2026-03-01T10:00:00.000Z' }),
      projected({ type: 'FulfillmentStarted', data: { orderId: fresh, amount: 100, currency: 'EUR', token: 'tok_ok' } }, { at: '2026-03-01T10:05:00.000Z' }),
      projected({ type: 'FulfillmentDeadlineSet', data: { orderId: fresh, dueAt: '2026-03-01T10:05:30.000Z' } }, { at: '2026-03-01T10:05:00.000Z' }),
    );
    const counts = await countSagas(harness.pool, {
      now: new Date('2026-03-01T10:05:10.000Z'),
      stalledBefore: new Date('2026-03-01T10:04:00.000Z'),
      timeoutMs: 2_000,
    });
    expect(counts.byState.reserving_stock).toBeGreaterThanOrEqual(2);
    expect(counts.byState.confirmed).toBeGreaterThanOrEqual(1);
    // The earlier tests' sagas are dated 2026-01-01 or 2026-03-01 10:00 and are terminal or have no deadline due.
    expect(counts.pastDeadline).toBe(1);
    expect(counts.stalled).toBeGreaterThanOrEqual(1);
  });
});
