import { describe, expect, it } from 'vitest';
import { readGatewayLedger } from '../../command-services/payments/index.ts';
import { stockedProduct } from '../support/test-app.ts';
import { checkSagaInvariants } from './support/saga-invariants.ts';
import { useSagaSystem } from './support/saga-system.ts';

// DESIGN §3 "no oversell" and §4.7, under contention: many more orders than units, all at once,
// judged by reading the event store itself.

const system = useSagaSystem({ fulfillmentTimeoutMs: 60_000, paymentSlowMs: 200 });

describe('200 orders placed at once for 50 units across 5 skus', () => {
  it('end confirmed or rejected, never oversell, and leave every invariant of the saga holding', async () => {
    const { app, eventStore, pool, placeOrder, terminalOrder } = system();
    const skus = await Promise.all(Array.from({ length: 5 }, () => stockedProduct(app, { quantity: 10 })));
    const tokens = ['tok_ok', 'tok_ok', 'tok_ok', 'tok_decline', 'tok_slow'];
    const orderIds = await Promise.all(
      Array.from({ length: 200 }, (_, index) => {
        // One or two lines, so multi-sku orders compete for two hot streams at once.
        const lines = [{ sku: skus[index % 5]!, quantity: 1 + (index % 2) }];
        if (index % 3 === 0) lines.push({ sku: skus[(index + 1) % 5]!, quantity: 1 });
        return placeOrder(lines, tokens[index % tokens.length]);
      }),
    );
    const started = Date.now();
    const orders = [];
    // One at a time: 200 pollers at once would compete with the saga for the CPU.
    for (const orderId of orderIds) orders.push(await terminalOrder(orderId, 90_000));
    console.log(`200 contended orders terminal ${Date.now() - started} ms after the last was placed`);

    const confirmed = orders.filter((order) => order.status === 'confirmed');
    expect(confirmed.length).toBeGreaterThan(0);
    expect(orders.every((order) => order.status === 'confirmed' || order.status === 'rejected')).toBe(true);
    const sold = new Map<string, number>();
    for (const order of confirmed) for (const line of order.lines) sold.set(line.sku, (sold.get(line.sku) ?? 0) + line.quantity);
    for (const sku of skus) expect(sold.get(sku) ?? 0).toBeLessThanOrEqual(10);

    const outcomes = await checkSagaInvariants(eventStore, { orderIds, skus });
    expect(outcomes.violations).toEqual([]);
    expect(outcomes.open).toEqual([]);
    expect(outcomes.confirmed).toBe(confirmed.length);
    for (const orderId of orderIds) {
      const ledger = await readGatewayLedger(pool, orderId);
      expect(ledger.charges, `charges of ${orderId}`).toBeLessThanOrEqual(1);
    }
  });
});
