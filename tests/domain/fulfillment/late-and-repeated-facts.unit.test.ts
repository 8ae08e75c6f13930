import { describe, it } from 'vitest';
import { fulfillmentDecider, type FulfillmentEvent, type FulfillmentInput } from '../../../domain/fulfillment/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import {
  afterTheDeadline,
  authorized,
  cancellationRequested,
  declined,
  histories,
  mugReserved,
  orderCancelled,
  orderConfirmed,
  orderPlaced,
  orderRejected,
  refundRequested,
  started,
  teaOutOfStock,
  teaReserved,
} from './saga-history.ts';

const spec = deciderSpec(fulfillmentDecider);

// Delivery is at least once, and facts about one order come from four services: every fact may
// arrive twice, or after the saga has moved on. None of them may change the outcome twice.

describe.each<[string, FulfillmentEvent[], FulfillmentInput]>([
  ['a started saga', histories.reservingBoth, orderPlaced],
  ['a saga that noted a line', histories.mugReserved, mugReserved],
  ['a saga waiting for the payment', histories.awaitingPayment, teaReserved],
  ['a saga asking the order to confirm', histories.confirming, authorized],
  ['a completed saga', histories.confirmed, orderConfirmed],
  ['a saga that turned the order down for stock', histories.rejectedForStock, teaOutOfStock],
  ['a timed-out saga', histories.timedOutAwaitingPayment, afterTheDeadline],
  ['a saga that approved a cancellation', histories.cancelledAwaitingPayment, cancellationRequested],
  ['a cancelled saga', histories.cancelled, orderCancelled],
])('%s', (_what, history, repeated) => {
  it('records nothing when the fact that brought it here comes again', () => {
    spec.given(history).when(repeated).thenNothing();
  });
});

describe('a saga that turned the order down for stock', () => {
  it('ignores a reservation arriving late: its release is already requested', () => {
    spec.given(histories.rejectedForStock).when(teaReserved).thenNothing();
  });
});

describe('a timed-out saga', () => {
  it('ignores a decline that comes after the deadline', () => {
    spec.given(histories.timedOutAwaitingPayment).when(declined).thenNothing();
  });
});

describe('a saga still reserving', () => {
  it('ignores payment news: it asked for no payment yet', () => {
    spec.given(histories.mugReserved).when(authorized).thenNothing();
  });

  it('ignores a verdict it did not ask for', () => {
    spec.given(histories.mugReserved).when(orderConfirmed).thenNothing();
  });
});

describe('an order the saga never started', () => {
  it('ignores answers about it', () => {
    spec.given([]).when(mugReserved).thenNothing();
  });
});

describe.each([
  ['timed out while waiting for the payment', histories.timedOutAwaitingPayment],
  ['rejected after timing out', histories.timedOutAndRejected],
  ['approved a cancellation while waiting for the payment', histories.cancelledAwaitingPayment],
  ['cancelled', histories.cancelled],
])('a saga that %s', (_what, history) => {
  it('hands back an authorization that arrives late', () => {
    spec.given(history).when(authorized).then([refundRequested]);
  });

  it('hands it back once, however often it is delivered', () => {
    spec.given([...history, refundRequested]).when(authorized).thenNothing();
  });
});

describe('a saga completed as rejected, whose late authorization was handed back', () => {
  it('records nothing when the order rejection is delivered again', () => {
    spec.given([...histories.timedOutAndRejected, refundRequested]).when(orderRejected('timed_out')).thenNothing();
  });
});

describe('a saga completed as confirmed', () => {
  it('keeps the payment it confirmed with, however often it is delivered', () => {
    spec.given(histories.confirmed).when(authorized).thenNothing();
  });
});

describe('a saga whose stream holds a fact out of place', () => {
  it('ignores it and goes on: a reservation noted before the saga started changes nothing', () => {
    spec
      .given([{ type: 'FulfillmentLineReserved', data: { ...started[1]!.data } } as FulfillmentEvent, ...started])
      .when(mugReserved)
      .then([{ type: 'FulfillmentLineReserved', data: { ...started[1]!.data } } as FulfillmentEvent]);
  });
});
