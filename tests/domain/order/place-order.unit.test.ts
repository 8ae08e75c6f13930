import { describe, it } from 'vitest';
import { orderDecider, type PlaceOrder, type PricedOrderLine } from '../../../domain/order/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { histories, orderId, placeMugsAndTea, placed } from './order-history.ts';

const spec = deciderSpec(orderDecider);

const placeWith = (lines: PricedOrderLine[]): PlaceOrder => ({ type: 'PlaceOrder', data: { ...placeMugsAndTea.data, lines } });

/** `count` lines of the largest quantity at the largest price: 10^15 minor units each. */
const largestLines = (count: number): PricedOrderLine[] =>
  Array.from({ length: count }, (_, n) => ({ sku: `SKU-${n}`, quantity: 1_000_000, unitPrice: 1_000_000_000, currency: 'EUR' }));

describe('an order id never used', () => {
  it('is placed with its priced lines and the total Σ quantity × unit price, without looking at stock', () => {
    spec.given([]).when(placeMugsAndTea).then([placed]);
  });

  it('is refused when its lines are priced in more than one currency', () => {
    spec
      .given([])
      .when(
        placeWith([
          { sku: 'MUG-001', quantity: 2, unitPrice: 1299, currency: 'EUR' },
          { sku: 'TEA-EARLGREY-100G', quantity: 1, unitPrice: 700, currency: 'USD' },
        ]),
      )
      .thenThrows('currency_mismatch');
  });

  it('is placed with a total up to 9 × 10^15 minor units, counted exactly', () => {
    spec
      .given([])
      .when(placeWith(largestLines(9)))
      .then([
        {
          type: 'OrderPlaced',
          data: {
            orderId,
            customerId: 'customer-42',
            lines: largestLines(9).map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
            total: 9_000_000_000_000_000,
            currency: 'EUR',
            payment: { token: 'tok_ok' },
          },
        },
      ]);
  });

  it('is refused when the total is beyond the integers a number counts exactly', () => {
    spec.given([]).when(placeWith(largestLines(10))).thenThrows('order_total_too_large');
  });

  it('is refused without lines', () => {
    spec.given([]).when(placeWith([])).thenThrows('order_has_no_lines');
  });
});

describe.each([
  ['placed', histories.placed],
  ['waiting for its cancellation', histories.cancellationRequested],
  ['confirmed', histories.confirmed],
  ['rejected', histories.rejected],
  ['cancelled', histories.cancelled],
])('an order that is %s', (_status, history) => {
  it('cannot be placed again', () => {
    spec.given(history).when(placeMugsAndTea).thenThrows('order_already_placed');
  });
});
