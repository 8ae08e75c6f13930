import { describe, it } from 'vitest';
import { orderDecider } from '../../../domain/order/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { cancellationRequested, histories, orderId, requestCancellation } from './order-history.ts';

const spec = deciderSpec(orderDecider);

describe('a placed order', () => {
  it('records the customer’s request, with their note', () => {
    spec.given(histories.placed).when(requestCancellation).then([cancellationRequested]);
  });

  it('records a request without a note as just the reason code', () => {
    spec
      .given(histories.placed)
      .when({ type: 'RequestOrderCancellation', data: { orderId, reason: 'cancelled_by_customer' } })
      .then([{ type: 'OrderCancellationRequested', data: { orderId, reason: 'cancelled_by_customer' } }]);
  });
});

describe('an order with a cancellation pending', () => {
  it('records nothing when asked again: asking twice is asking once', () => {
    spec.given(histories.cancellationRequested).when(requestCancellation).thenNothing();
  });
});

describe('a confirmed order', () => {
  it('can no longer be cancelled', () => {
    spec.given(histories.confirmed).when(requestCancellation).thenThrows('order_already_confirmed');
  });
});

describe.each([
  ['rejected', histories.rejected],
  ['cancelled', histories.cancelled],
])('a %s order', (_status, history) => {
  it('has nothing left to cancel', () => {
    spec.given(history).when(requestCancellation).thenThrows('order_already_terminal');
  });
});

describe('an order never placed', () => {
  it('cannot be cancelled', () => {
    spec.given([]).when(requestCancellation).thenThrows('order_not_found');
  });
});
