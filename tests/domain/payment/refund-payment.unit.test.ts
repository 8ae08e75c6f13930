import { describe, it } from 'vitest';
import { paymentDecider } from '../../../domain/payment/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { authorized, declined, refund, refunded } from './payment-history.ts';

const spec = deciderSpec(paymentDecider);

describe('an authorized payment of 32.48 EUR', () => {
  it('is refunded in full, in its currency', () => {
    spec.given([authorized]).when(refund).then([refunded]);
  });
});

describe('a refunded payment', () => {
  it('records nothing when refunded again: money goes back once', () => {
    spec.given([authorized, refunded]).when(refund).thenNothing();
  });
});

describe.each([
  ['a declined payment', [declined]],
  ['a payment the provider has not answered yet', []],
])('%s', (_state, history) => {
  it('has nothing to refund', () => {
    spec.given(history).when(refund).thenNothing();
  });
});
