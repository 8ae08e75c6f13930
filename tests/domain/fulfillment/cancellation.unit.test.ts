import { describe, it } from 'vitest';
import { fulfillmentDecider } from '../../../domain/fulfillment/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import {
  cancellationApproved,
  cancellationRequested,
  completed,
  histories,
  orderCancelled,
  releaseMug,
  releaseTea,
} from './saga-history.ts';

const spec = deciderSpec(fulfillmentDecider);

describe.each([
  ['waiting for stock', histories.reservingBoth],
  ['with one line reserved', histories.mugReserved],
  ['waiting for the payment', histories.awaitingPayment],
])('a saga %s', (_when, history) => {
  it('releases every line and approves the cancellation the customer asked for', () => {
    spec.given(history).when(cancellationRequested).then([releaseMug, releaseTea, cancellationApproved]);
  });
});

describe.each([
  ['asked the order to confirm', histories.confirming],
  ['completed as confirmed', histories.confirmed],
  ['asked to reject the order', histories.rejectedForStock],
  ['already approved the cancellation', histories.cancelledAwaitingPayment],
])('a saga that %s', (_what, history) => {
  it('does not approve a cancellation: its verdict stands', () => {
    spec.given(history).when(cancellationRequested).thenNothing();
  });
});

describe('a saga that approved a cancellation', () => {
  it('completes as cancelled when the order is cancelled', () => {
    spec.given(histories.cancelledAwaitingPayment).when(orderCancelled).then([completed('cancelled')]);
  });
});
