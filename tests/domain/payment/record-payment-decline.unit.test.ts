import { describe, it } from 'vitest';
import { paymentDecider } from '../../../domain/payment/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { authorized, declined, recordDecline, refunded } from './payment-history.ts';

const spec = deciderSpec(paymentDecider);

describe('a payment the provider has not answered yet', () => {
  it('records the decline with the provider’s reason', () => {
    spec.given([]).when(recordDecline).then([declined]);
  });
});

describe('a declined payment', () => {
  it('records nothing when the decline arrives again', () => {
    spec.given([declined]).when(recordDecline).thenNothing();
  });
});

describe.each([
  ['an authorized payment', [authorized]],
  ['a refunded payment', [authorized, refunded]],
])('%s', (_state, history) => {
  it('records nothing for a stale decline: the money was held all the same', () => {
    spec.given(history).when(recordDecline).thenNothing();
  });
});
