import { describe, it } from 'vitest';
import { orderDecider } from '../../../domain/order/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { histories, orderId, reject, rejected } from './order-history.ts';

const spec = deciderSpec(orderDecider);

describe('a placed order', () => {
  it('is rejected with the saga’s reason', () => {
    spec.given(histories.placed).when(reject).then([rejected]);
    spec
      .given(histories.placed)
      .when({ type: 'RejectOrder', data: { orderId, reason: 'timed_out' } })
      .then([{ type: 'OrderRejected', data: { orderId, reason: 'timed_out' } }]);
  });
});

describe('an order with a cancellation pending', () => {
  it('is rejected anyway: the saga reached its verdict before it saw the request', () => {
    spec.given(histories.cancellationRequested).when(reject).then([rejected]);
  });
});

describe('a rejected order', () => {
  it('records nothing when rejected again, for any reason', () => {
    spec.given(histories.rejected).when(reject).thenNothing();
    spec
      .given(histories.rejected)
      .when({ type: 'RejectOrder', data: { orderId, reason: 'payment_declined' } })
      .thenNothing();
  });
});

describe.each([
  ['confirmed', histories.confirmed],
  ['cancelled', histories.cancelled],
])('a %s order', (_status, history) => {
  it('cannot be rejected: an order ends once', () => {
    spec.given(history).when(reject).thenThrows('order_already_terminal');
  });
});

describe('an order never placed', () => {
  it('cannot be rejected', () => {
    spec.given([]).when(reject).thenThrows('order_not_found');
  });
});
