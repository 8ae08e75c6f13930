import { describe, it } from 'vitest';
import { fulfillmentDecider } from '../../../domain/fulfillment/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import {
  completed,
  declined,
  histories,
  orderRejected,
  releaseMug,
  releaseTea,
  rejectionRequested,
  started,
  teaOutOfStock,
} from './saga-history.ts';

const spec = deciderSpec(fulfillmentDecider);

describe('a saga with one line reserved', () => {
  it('releases the reserved line and asks to reject the order when the other is out of stock', () => {
    spec.given(histories.mugReserved).when(teaOutOfStock).then([releaseMug, rejectionRequested('out_of_stock')]);
  });
});

describe('a saga waiting for both lines', () => {
  it('releases the line still unanswered too: the inventory answers it before the release', () => {
    spec.given(histories.reservingBoth).when(teaOutOfStock).then([releaseMug, rejectionRequested('out_of_stock')]);
  });
});

describe('a saga waiting for the payment', () => {
  it('releases every line and asks to reject the order when the payment is declined', () => {
    spec.given(histories.awaitingPayment).when(declined).then([releaseMug, releaseTea, rejectionRequested('payment_declined')]);
  });
});

describe('a saga that asked to reject the order', () => {
  it('completes as rejected when the order is rejected', () => {
    spec.given(histories.rejectedForStock).when(orderRejected('out_of_stock')).then([completed('rejected')]);
  });

  it('does not complete on a verdict it did not ask for', () => {
    spec.given(histories.rejectedForStock).when({ type: 'OrderConfirmed', data: { orderId: started[0]!.data.orderId } }).thenNothing();
  });
});
