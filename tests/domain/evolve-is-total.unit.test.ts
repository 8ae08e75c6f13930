import { describe, expect, it } from 'vitest';
import { fulfillmentDecider } from '../../domain/fulfillment/index.ts';
import { inventoryDecider } from '../../domain/inventory/index.ts';
import { orderDecider, type OrderEvent } from '../../domain/order/index.ts';
import { paymentDecider } from '../../domain/payment/index.ts';
import { productDecider } from '../../domain/product/index.ts';
import type { Decider } from '../../domain/shared/decider.ts';
import { deciderSpec } from '../support/decider-spec.ts';

// A stream may hold an event this code does not know (written by a newer version) or one
// that does not fit the state (a fact out of place): folding must go on, changing nothing.

const deciders: Array<[string, Decider<never, unknown, unknown>]> = [
  ['product', productDecider as Decider<never, unknown, unknown>],
  ['inventory', inventoryDecider as Decider<never, unknown, unknown>],
  ['order', orderDecider as Decider<never, unknown, unknown>],
  ['payment', paymentDecider as Decider<never, unknown, unknown>],
  ['fulfillment', fulfillmentDecider as Decider<never, unknown, unknown>],
];

describe.each(deciders)('the %s fold', (_name, decider) => {
  it('leaves the state as it was for an event type it does not know', () => {
    const unknown = { type: 'SomethingFromTheFuture', data: {} };
    expect(decider.evolve(decider.initialState, unknown)).toBe(decider.initialState);
  });
});

describe('a product whose price changed before it was ever added', () => {
  it('is still not in the catalog', () => {
    deciderSpec(productDecider)
      .given([{ type: 'ProductPriceChanged', data: { sku: 'MUG-001', price: 1499 } }])
      .when({ type: 'ChangeProductPrice', data: { sku: 'MUG-001', price: 999 } })
      .thenThrows('product_not_found');
  });
});

describe('a confirmed order followed by a stray rejection in its stream', () => {
  const orderId = '9b2f4c1e-7a3d-4e5f-8b6a-1c2d3e4f5a60';
  const history: OrderEvent[] = [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId: 'customer-42',
        lines: [{ sku: 'MUG-001', quantity: 1, unitPrice: 1299 }],
        total: 1299,
        currency: 'EUR',
        payment: { token: 'tok_ok' },
      },
    },
    { type: 'OrderConfirmed', data: { orderId } },
    { type: 'OrderRejected', data: { orderId, reason: 'timed_out' } },
  ];

  it('stays confirmed: a terminal state is never left', () => {
    deciderSpec(orderDecider).given(history).when({ type: 'ConfirmOrder', data: { orderId } }).thenNothing();
  });
});
