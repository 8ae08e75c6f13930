import { describe, expect, it } from 'vitest';
import type { App } from '../../infra/http/build-app.ts';
import { readGatewayLedger } from '../../command-services/payments/index.ts';
import { postJson, stockedProduct } from '../support/test-app.ts';
import { useSagaSystem } from './support/saga-system.ts';

// Each path of the saga (DESIGN §4) through the whole system over HTTP: commands in, GETs out.

const system = useSagaSystem({ fulfillmentTimeoutMs: 20_000, paymentSlowMs: 300 });

const get = async (app: App, url: string) => {
  const answer = await app.inject({ method: 'GET', url });
  return { status: answer.statusCode, body: answer.json() as Record<string, unknown> };
};

/** The inventory read model once it shows nothing reserved for this sku (stock released or committed). */
async function settledInventory(app: App, sku: string) {
  for (let attempt = 0; attempt < 400; attempt++) {
    const { body } = await get(app, `/inventory/${sku}`);
    if (body.reserved === 0) return body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${sku} still holds reserved stock`);
}

describe('an order of products in stock, paid with a card that works', () => {
  it('is confirmed, its stock leaves the warehouse, and its history shows every step of the saga', async () => {
    const { app, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 10 });
    const orderId = await placeOrder([{ sku, quantity: 2 }]);
    const order = await terminalOrder(orderId);
    expect(order).toMatchObject({ status: 'confirmed', reason: null });
    expect(order.history.map((line) => line.status)).toEqual(
      expect.arrayContaining(['placed', 'fulfillment_started', 'stock_reserved', 'payment_authorized', 'stock_committed', 'confirmed']),
    );
    expect(await settledInventory(app, sku)).toMatchObject({ onHand: 8, reserved: 0, available: 8 });
    expect(await get(app, `/payments/${orderId}`)).toMatchObject({ status: 200, body: { status: 'authorized', amount: 2500 } });
  });

  it('shows the saga timeline, from start to completion, without the card token', async () => {
    const { app, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 1 });
    const orderId = await placeOrder([{ sku, quantity: 1 }]);
    await terminalOrder(orderId);
    let timeline: Record<string, unknown> = {};
    for (let attempt = 0; attempt < 200 && timeline.state !== 'confirmed'; attempt++) {
      timeline = (await get(app, `/fulfillment/${orderId}`)).body;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(timeline.state).toBe('confirmed');
    expect((timeline.steps as Array<{ type: string }>).map((step) => step.type)).toEqual([
      'FulfillmentStarted',
      'StockReservationRequested',
      'FulfillmentDeadlineSet',
      'FulfillmentLineReserved',
      'PaymentRequested',
      'StockCommitRequested',
      'OrderConfirmationRequested',
      'FulfillmentCompleted',
    ]);
    expect(JSON.stringify(timeline)).not.toContain('tok_');
  });

  it('is confirmed after a slow payment, and one transient provider failure after another', async () => {
    const { app, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 2 });
    const slow = await placeOrder([{ sku, quantity: 1 }], 'tok_slow');
    const flaky = await placeOrder([{ sku, quantity: 1 }], 'tok_error');
    expect(await terminalOrder(slow)).toMatchObject({ status: 'confirmed' });
    expect(await terminalOrder(flaky)).toMatchObject({ status: 'confirmed' });
    const ledger = await readGatewayLedger(system().pool, flaky);
    expect(ledger.charges).toBe(1);
  });
});

describe('an order of more than the stock holds', () => {
  it('is rejected out of stock, and the lines that were reserved are released', async () => {
    const { app, placeOrder, terminalOrder } = system();
    const plenty = await stockedProduct(app, { quantity: 10 });
    const scarce = await stockedProduct(app, { quantity: 1 });
    const orderId = await placeOrder([
      { sku: plenty, quantity: 3 },
      { sku: scarce, quantity: 2 },
    ]);
    expect(await terminalOrder(orderId)).toMatchObject({ status: 'rejected', reason: 'out_of_stock' });
    expect(await settledInventory(app, plenty)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    expect(await settledInventory(app, scarce)).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
    expect((await get(app, `/payments/${orderId}`)).status).toBe(404);
  });
});

describe('an order paid with a card that is declined', () => {
  it('is rejected for payment, and its stock is released', async () => {
    const { app, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 5 });
    const orderId = await placeOrder([{ sku, quantity: 5 }], 'tok_decline');
    expect(await terminalOrder(orderId)).toMatchObject({ status: 'rejected', reason: 'payment_declined' });
    expect(await settledInventory(app, sku)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    expect(await get(app, `/payments/${orderId}`)).toMatchObject({ body: { status: 'declined' } });
  });
});

describe('an order that reached its verdict', () => {
  it('can no longer be cancelled: 409', async () => {
    const { app, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 1 });
    const confirmed = await placeOrder([{ sku, quantity: 1 }]);
    const rejected = await placeOrder([{ sku, quantity: 1 }]);
    await terminalOrder(confirmed);
    expect(await terminalOrder(rejected)).toMatchObject({ status: 'rejected', reason: 'out_of_stock' });
    // The read model can be ahead of nothing: the order stream holds the verdict once the GET shows it.
    expect((await postJson(app, `/orders/${confirmed}/cancel`, {})).statusCode).toBe(409);
    expect((await postJson(app, `/orders/${rejected}/cancel`, {})).statusCode).toBe(409);
  });
});

describe('/metrics of a system running the saga', () => {
  it('counts sagas by state, those past their deadline and those without progress, and shows the payment circuit', async () => {
    const { app, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 1 });
    await terminalOrder(await placeOrder([{ sku, quantity: 1 }]));
    let text = '';
    for (let attempt = 0; attempt < 200 && !/fulfillment_sagas\{state="confirmed"\} [1-9]/.test(text); attempt++) {
      text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(text).toMatch(/fulfillment_sagas\{state="confirmed"\} [1-9]/);
    expect(text).toMatch(/fulfillment_sagas\{state="awaiting_payment"\} \d/);
    expect(text).toMatch(/^fulfillment_sagas_past_deadline 0$/m);
    expect(text).toMatch(/^fulfillment_sagas_stalled 0$/m);
    expect(text).toMatch(/payment_provider_circuit/);
    const ready = (await app.inject({ method: 'GET', url: '/health/ready' })).json() as { details?: Record<string, Record<string, unknown>> };
    expect(ready.details?.paymentProvider).toMatchObject({ circuit: 'closed' });
  });
});
