import { describe, it } from 'vitest';
import { fulfillmentDecider } from '../../../domain/fulfillment/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import {
  afterTheDeadline,
  beforeTheDeadline,
  deadlineCheck,
  dueAt,
  histories,
  releaseMug,
  releaseTea,
  rejectionRequested,
  timedOut,
} from './saga-history.ts';

const spec = deciderSpec(fulfillmentDecider);

describe.each([
  ['waiting for stock', histories.reservingBoth],
  ['with one line reserved', histories.mugReserved],
  ['waiting for the payment', histories.awaitingPayment],
])('a saga %s', (_when, history) => {
  it('times out once the deadline has passed: releases every line and asks to reject the order', () => {
    spec.given(history).when(afterTheDeadline).then([timedOut, releaseMug, releaseTea, rejectionRequested('timed_out')]);
  });

  it('times out at the very moment of the deadline', () => {
    spec.given(history).when(deadlineCheck(dueAt)).then([timedOut, releaseMug, releaseTea, rejectionRequested('timed_out')]);
  });

  it('does nothing before the deadline (an early or skewed check)', () => {
    spec.given(history).when(beforeTheDeadline).thenNothing();
  });
});

describe.each([
  ['asked the order to confirm', histories.confirming],
  ['completed', histories.confirmed],
  ['already timed out', histories.timedOutAwaitingPayment],
  ['asked to reject the order', histories.rejectedForStock],
  ['approved a cancellation', histories.cancelledAwaitingPayment],
])('a saga that %s', (_what, history) => {
  it('ignores its deadline: the verdict is already given', () => {
    spec.given(history).when(afterTheDeadline).thenNothing();
  });
});

describe('an order the saga never started', () => {
  it('has no deadline to miss', () => {
    spec.given([]).when(afterTheDeadline).thenNothing();
  });
});
