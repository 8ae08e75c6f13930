import { describe, it } from 'vitest';
import { orderDecider, type OrderEvent } from '../../../domain/order/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { cancel, cancelled, histories, orderId, placed } from './order-history.ts';

const spec = deciderSpec(orderDecider);

describe('an order with a cancellation pending', () => {
  it('is cancelled, keeping the customer’s note', () => {
    spec.given(histories.cancellationRequested).when(cancel).then([cancelled]);
  });

  it('is cancelled with just the reason code when the customer left no note', () => {
    const requestedWithoutNote: OrderEvent = {
      type: 'OrderCancellationRequested',
      data: { orderId, reason: 'cancelled_by_customer' },
    };
    spec
      .given([placed, requestedWithoutNote])
      .when(cancel)
      .then([{ type: 'OrderCancelled', data: { orderId, reason: 'cancelled_by_customer' } }]);
  });
});

describe('a cancelled order', () => {
  it('records nothing when cancelled again', () => {
    spec.given(histories.cancelled).when(cancel).thenNothing();
  });
});

describe('a placed order nobody asked to cancel', () => {
  it('is not cancelled', () => {
    spec.given(histories.placed).when(cancel).thenThrows('order_cancellation_not_requested');
  });
});

describe.each([
  ['confirmed', histories.confirmed],
  ['rejected', histories.rejected],
])('a %s order', (_status, history) => {
  it('cannot be cancelled: an order ends once', () => {
    spec.given(history).when(cancel).thenThrows('order_already_terminal');
  });
});

describe('an order never placed', () => {
  it('cannot be cancelled', () => {
    spec.given([]).when(cancel).thenThrows('order_not_found');
  });
});
