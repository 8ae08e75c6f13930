import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config.ts';
import { stockedProduct } from '../support/test-app.ts';
import { useSagaSystem } from './support/saga-system.ts';

// No process runs the inventory service: reservation requests are never answered, and the
// deadline is what ends the order.

const system = useSagaSystem({
  fulfillmentTimeoutMs: 1_000,
  services: loadConfig({ SERVICES: 'catalog,orders,payments,fulfillment,projections,query' }).SERVICES,
});

describe('an order whose stock is never answered for', () => {
  it('is rejected as timed out once its deadline passes, and nothing is charged', async () => {
    const { app, placeOrder, terminalOrder } = system();
    const sku = await stockedProduct(app, { quantity: 0 });
    const orderId = await placeOrder([{ sku, quantity: 1 }]);
    const order = await terminalOrder(orderId);
    expect(order).toMatchObject({ status: 'rejected', reason: 'timed_out' });
    expect(order.history.map((line) => line.status)).toContain('fulfillment_timed_out');
    expect(order.history.map((line) => line.status)).not.toContain('payment_requested');
  });
});
