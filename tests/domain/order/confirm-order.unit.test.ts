import { describe, it } from 'vitest';
import { orderDecider } from '../../../domain/order/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { confirm, confirmed, histories } from './order-history.ts';

const spec = deciderSpec(orderDecider);

describe('a placed order', () => {
  it('is confirmed', () => {
    spec.given(histories.placed).when(confirm).then([confirmed]);
  });
});

describe('an order with a cancellation pending', () => {
  it('is confirmed anyway: the saga reached its verdict before it saw the request', () => {
    spec.given(histories.cancellationRequested).when(confirm).then([confirmed]);
  });
});

describe('a confirmed order', () => {
  it('records nothing when confirmed again', () => {
    spec.given(histories.confirmed).when(confirm).thenNothing();
  });
});

describe.each([
  ['rejected', histories.rejected],
  ['cancelled', histories.cancelled],
])('a %s order', (_status, history) => {
  it('cannot be confirmed: an order ends once', () => {
    spec.given(history).when(confirm).thenThrows('order_already_terminal');
  });
});

describe('an order never placed', () => {
  it('cannot be confirmed', () => {
    spec.given([]).when(confirm).thenThrows('order_not_found');
  });
});
