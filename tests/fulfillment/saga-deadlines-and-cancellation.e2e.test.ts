import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readGatewayLedger } from '../../command-services/payments/index.ts';
import type { App } from '../../infra/http/build-app.ts';
import { postJson, stockedProduct } from '../support/test-app.ts';
import { useSagaSystem } from './support/saga-system.ts';

// A payment slower than the deadline: the saga gives up on the order first, and the money that
// arrives after the verdict is handed back. The same for a customer who cancels while waiting.

const system = useSagaSystem({ fulfillmentTimeoutMs: 1_500, paymentSlowMs: 4_000 });

async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!holds(value)) {
    if (Date.now() > until) throw new Error(`still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(50);
    value = await read();
  }
  return value;
}

const inventoryOf = async (app: App, sku: string) => (await app.inject({ method: 'GET', url: `/inventory/${sku}` })).json() as Record<string, number>;
const paymentOf = async (app: App, orderId: string) => {
  const answer = await app.inject({ method: 'GET', url: `/payments/${orderId}` });
  return answer.statusCode === 200 ? (answer.json() as { status: string }).status : undefined;
};

describe('a slow payment', () => {
  it('holds up no other order: one placed after it is confirmed while it still waits', async () => {
    const { app, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 2 });
    const slow = await placeOrder([{ sku, quantity: 1 }], 'tok_slow');
    const quick = await placeOrder([{ sku, quantity: 1 }], 'tok_ok');
    expect(await terminalOrder(quick)).toMatchObject({ status: 'confirmed' });
    const slowNow = (await app.inject({ method: 'GET', url: `/orders/${slow}` })).json() as { history: Array<{ status: string }> };
    const steps = slowNow.history.map((line) => line.status);
    expect(steps).toContain('payment_requested');
    expect(steps).not.toContain('payment_authorized'); // its provider call (4 s) is still under way
    expect(await terminalOrder(slow)).toMatchObject({ status: 'rejected', reason: 'timed_out' });
  });
});

describe('an order whose payment is slower than its deadline', () => {
  it('is rejected as timed out, its stock released, and the late authorization refunded once', async () => {
    const { app, pool, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 3 });
    const orderId = await placeOrder([{ sku, quantity: 2 }], 'tok_slow');
    expect(await terminalOrder(orderId)).toMatchObject({ status: 'rejected', reason: 'timed_out' });
    expect(await eventually(() => inventoryOf(app, sku), (row) => row.reserved === 0)).toMatchObject({ onHand: 3, available: 3 });
    expect(await eventually(() => paymentOf(app, orderId), (status) => status === 'refunded', 20_000)).toBe('refunded');
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ charges: 1, refunds: 1 });
    expect((await postJson(app, `/orders/${orderId}/cancel`, {})).statusCode).toBe(409);
  });
});

describe('an order cancelled by its customer while the payment is under way', () => {
  it('is cancelled before anything is charged when the cancellation comes first', async () => {
    const { app, pool, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 1 });
    const orderId = await placeOrder([{ sku, quantity: 1 }], 'tok_slow');
    expect((await postJson(app, `/orders/${orderId}/cancel`, {})).statusCode).toBe(202);
    const order = await terminalOrder(orderId);
    expect(order.status).toBe('cancelled');
    expect(await eventually(() => inventoryOf(app, sku), (row) => row.reserved === 0)).toMatchObject({ onHand: 1, available: 1 });
    // Cancelled while reserving or while paying: either way no money stays with the order.
    const ledger = await eventually(() => readGatewayLedger(pool, orderId), (l) => l.charges === l.refunds, 20_000);
    expect(ledger.charges).toBeLessThanOrEqual(1);
  });

  it('is cancelled, its stock released, and the authorization that arrives later refunded', async () => {
    const { app, pool, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 1 });
    const orderId = await placeOrder([{ sku, quantity: 1 }], 'tok_slow');
    await eventually(
      async () => (await app.inject({ method: 'GET', url: `/orders/${orderId}` })).json() as { history?: Array<{ status: string }> },
      (order) => order.history?.some((line) => line.status === 'payment_requested') ?? false,
    );
    const cancel = await postJson(app, `/orders/${orderId}/cancel`, { reason: 'Found it cheaper' });
    expect(cancel.statusCode).toBe(202);
    expect(await terminalOrder(orderId)).toMatchObject({ status: 'cancelled', reason: 'cancelled_by_customer' });
    expect(await eventually(() => inventoryOf(app, sku), (row) => row.reserved === 0)).toMatchObject({ onHand: 1, available: 1 });
    expect(await eventually(() => paymentOf(app, orderId), (status) => status === 'refunded', 20_000)).toBe('refunded');
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ charges: 1, refunds: 1 });
  });

});
