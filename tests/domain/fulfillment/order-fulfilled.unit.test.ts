import { describe, it } from 'vitest';
import { fulfillmentDecider } from '../../../domain/fulfillment/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import {
  authorized,
  commits,
  completed,
  confirmationRequested,
  histories,
  mugNoted,
  mugReserved,
  orderConfirmed,
  orderPlaced,
  paymentRequested,
  started,
  teaNoted,
  teaReserved,
} from './saga-history.ts';

const spec = deciderSpec(fulfillmentDecider);

describe('an order the saga has not seen', () => {
  it('starts: what to charge, a reservation request per line, and the deadline', () => {
    spec.given([]).when(orderPlaced).then(started);
  });
});

describe('a saga waiting for both lines', () => {
  it('notes the first line reserved and waits for the other', () => {
    spec.given(histories.reservingBoth).when(mugReserved).then([mugNoted]);
  });

  it('notes the lines in whatever order the inventory answers them', () => {
    spec.given(histories.reservingBoth).when(teaReserved).then([teaNoted]);
  });
});

describe('a saga with one line reserved', () => {
  it('asks for the payment once the last line is reserved', () => {
    spec.given(histories.mugReserved).when(teaReserved).then([teaNoted, paymentRequested]);
  });

  it('asks for the payment whichever line came last', () => {
    spec.given([...started, teaNoted]).when(mugReserved).then([mugNoted, paymentRequested]);
  });
});

describe('a saga waiting for the payment', () => {
  it('commits every line and asks the order to confirm once the payment is authorized', () => {
    spec.given(histories.awaitingPayment).when(authorized).then([...commits, confirmationRequested]);
  });
});

describe('a saga that asked the order to confirm', () => {
  it('completes when the order is confirmed', () => {
    spec.given(histories.confirming).when(orderConfirmed).then([completed('confirmed')]);
  });
});
