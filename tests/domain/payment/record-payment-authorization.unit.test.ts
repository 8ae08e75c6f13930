import { describe, it } from 'vitest';
import { paymentDecider } from '../../../domain/payment/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { authorized, declined, recordAuthorization, refunded } from './payment-history.ts';

const spec = deciderSpec(paymentDecider);

describe('a payment the provider has not answered yet', () => {
  it('records the authorization, whatever became of the order meanwhile (the saga refunds a late one)', () => {
    spec.given([]).when(recordAuthorization).then([authorized]);
  });
});

describe('an authorized payment', () => {
  it('records nothing when the same authorization arrives again', () => {
    spec.given([authorized]).when(recordAuthorization).thenNothing();
  });
});

describe('an authorized payment that was refunded', () => {
  it('records nothing when the authorization arrives again: it is not a new hold', () => {
    spec.given([authorized, refunded]).when(recordAuthorization).thenNothing();
  });
});

describe('a declined payment', () => {
  it('still records an authorization that follows: money the provider holds must show, so it gets refunded', () => {
    spec.given([declined]).when(recordAuthorization).then([authorized]);
  });
});
