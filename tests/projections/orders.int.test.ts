import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersProjection } from '../../projections/orders/orders-projection.ts';
import { getOrder, listOrders } from '../../projections/orders/queries.ts';
import { projected, startHarness, type ProjectionHarness } from './projection-harness.ts';

let harness: ProjectionHarness;
beforeAll(async () => {
  harness = await startHarness(ordersProjection);
});
afterAll(async () => harness?.close());

const placed = (orderId: string, customerId = 'alice') =>
  projected(
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId,
        lines: [{ sku: 'mug', quantity: 2, unitPrice: 1500 }],
        total: 3000,
        currency: 'EUR',
        payment: { token: 'tok_secret_ok' },
      },
    },
    { at: '2026-03-01T10:00:00.000Z' },
  );

describe('a placed order', () => {
  const orderId = randomUUID();

  it('shows its customer, lines, total and a first history line, never the payment token', async () => {
    const event = placed(orderId);
    await harness.apply(event, event);
    const order = await getOrder(harness.pool, orderId);
    const position = event.position.toString();
    expect(order).toEqual({
      orderId,
      customerId: 'alice',
      status: 'placed',
      reason: null,
      lines: [{ sku: 'mug', quantity: 2, unitPrice: 1500 }],
      total: 3000,
      currency: 'EUR',
      placedAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-01T10:00:00.000Z',
      history: [{ status: 'placed', reason: null, at: '2026-03-01T10:00:00.000Z', position }],
      position,
    });
    expect(JSON.stringify(order)).not.toContain('tok_secret');
  });

  it('records saga, stock and payment progress in history, status still placed', async () => {
    const steps = [
      projected({ type: 'StockReservationRequested', data: { orderId, sku: 'mug', quantity: 2 } }),
      projected({ type: 'StockReserved', data: { orderId, sku: 'mug', quantity: 2 } }),
      projected({ type: 'PaymentRequested', data: { orderId, amount: 3000, currency: 'EUR', token: 'tok_secret_ok' } }),
      projected({ type: 'PaymentAuthorized', data: { orderId, amount: 3000, currency: 'EUR', providerRef: 'ref_1' } }),
    ];
    await harness.apply(...steps, ...steps);
    const order = await getOrder(harness.pool, orderId);
    expect(order?.status).toBe('placed');
    expect(order?.history.map((line) => line.status)).toEqual([
      'placed',
      'stock_reservation_requested',
      'stock_reserved',
      'payment_requested',
      'payment_authorized',
    ]);
    expect(order?.position).toBe(steps.at(-1)?.position.toString());
    expect(JSON.stringify(order)).not.toContain('tok_secret');
  });

  it('becomes confirmed, and a late older rejection does not turn it back', async () => {
    const confirmed = projected({ type: 'OrderConfirmed', data: { orderId } }, { at: '2026-03-01T10:05:00.000Z' });
    await harness.apply(confirmed);
    const late = projected({ type: 'OrderRejected', data: { orderId, reason: 'timed_out' } }, { position: confirmed.position - 1n });
    await harness.apply(late);
    const order = await getOrder(harness.pool, orderId);
    expect(order).toMatchObject({ status: 'confirmed', reason: null, updatedAt: '2026-03-01T10:05:00.000Z', position: confirmed.position.toString() });
    // The late event is still a fact about the order: it joins the history in its place.
    expect(order?.history.at(-2)).toMatchObject({ status: 'rejected', reason: 'timed_out' });
  });

  it('keeps a newer status when an older progress event arrives late', async () => {
    const other = randomUUID();
    const place = placed(other);
    const cancelled = projected({ type: 'OrderCancelled', data: { orderId: other, reason: 'cancelled_by_customer' } });
    const lateProgress = projected({ type: 'FulfillmentTimedOut', data: { orderId: other } }, { position: cancelled.position - 1n });
    await harness.apply(place, cancelled, lateProgress);
    const order = await getOrder(harness.pool, other);
    expect(order).toMatchObject({ status: 'cancelled', reason: 'cancelled_by_customer', position: cancelled.position.toString() });
    expect(order?.history.map((line) => [line.status, line.reason])).toEqual([
      ['placed', null],
      ['fulfillment_timed_out', 'timed_out'],
      ['cancelled', 'cancelled_by_customer'],
    ]);
  });
});

describe('events about an order that arrive before it was placed', () => {
  it('are reflected in its status, updatedAt and position once it is', async () => {
    const orderId = randomUUID();
    const place = placed(orderId);
    const reserved = projected({ type: 'StockReserved', data: { orderId, sku: 'mug', quantity: 2 } });
    const confirmed = projected({ type: 'OrderConfirmed', data: { orderId } }, { at: '2026-03-01T11:00:00.000Z' });
    const progress = projected({ type: 'FulfillmentCompleted', data: { orderId, outcome: 'confirmed' } }, { at: '2026-03-01T11:00:01.000Z' });
    await harness.apply(progress, confirmed, reserved);
    expect(await getOrder(harness.pool, orderId)).toBeUndefined();
    await harness.apply(place, place);
    const order = await getOrder(harness.pool, orderId);
    expect(order).toMatchObject({
      status: 'confirmed',
      placedAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-01T11:00:01.000Z',
      position: progress.position.toString(),
    });
    expect(order?.history.map((line) => line.status)).toEqual(['placed', 'stock_reserved', 'confirmed', 'fulfillment_completed']);
  });
});

describe('a rejected order', () => {
  it('carries the reason, and a rejected reservation says out_of_stock', async () => {
    const orderId = randomUUID();
    await harness.apply(
      placed(orderId),
      projected({ type: 'StockReservationRejected', data: { orderId, sku: 'mug', requested: 2, available: 0 } }),
      projected({ type: 'OrderRejected', data: { orderId, reason: 'out_of_stock' } }),
    );
    const order = await getOrder(harness.pool, orderId);
    expect(order).toMatchObject({ status: 'rejected', reason: 'out_of_stock' });
    expect(order?.history[1]).toMatchObject({ status: 'stock_reservation_rejected', reason: 'out_of_stock' });
  });
});

describe('the order list', () => {
  it('filters by customer and status, newest first, page by page', async () => {
    const customerId = `bob-${randomUUID()}`;
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await harness.apply(...ids.map((id) => placed(id, customerId)));
    await harness.apply(projected({ type: 'OrderConfirmed', data: { orderId: ids[1] ?? '' } }));

    const first = await listOrders(harness.pool, { customerId, limit: 2 });
    expect(first.items.map((order) => order.orderId)).toEqual([ids[2], ids[1]]);
    const second = await listOrders(harness.pool, { customerId, limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((order) => order.orderId)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();

    const confirmed = await listOrders(harness.pool, { customerId, status: 'confirmed' });
    expect(confirmed.items.map((order) => order.orderId)).toEqual([ids[1]]);
  });

  it('finds nothing for an unknown or malformed id, and refuses a foreign cursor', async () => {
    expect(await getOrder(harness.pool, randomUUID())).toBeUndefined();
    expect(await getOrder(harness.pool, 'order-1')).toBeUndefined();
    await expect(listOrders(harness.pool, { cursor: 'abc' })).rejects.toThrow(RangeError);
  });
});

describe('keys and changes', () => {
  it('keys every handled event by its order and announces the order', () => {
    const orderId = randomUUID();
    const reserved = projected({ type: 'StockReserved', data: { orderId, sku: 'mug', quantity: 1 } });
    expect(ordersProjection.key(reserved)).toBe(orderId);
    expect(ordersProjection.apply(reserved).changes).toEqual([{ topic: 'order', key: orderId }]);
    expect(ordersProjection.handles).not.toContain('StockReceived');
  });
});
