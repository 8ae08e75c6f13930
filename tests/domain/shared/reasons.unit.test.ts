import { describe, expect, it } from 'vitest';
import { cancellationReason, reasonCode, rejectionReason } from '../../../domain/shared/index.ts';

describe('a reason code', () => {
  it('is one of the four the system knows', () => {
    expect(reasonCode.options).toEqual(['out_of_stock', 'payment_declined', 'timed_out', 'cancelled_by_customer']);
    expect(reasonCode.safeParse('changed_my_mind').success).toBe(false);
  });

  it('for a rejection is never the customer’s cancellation, and the other way round', () => {
    expect(rejectionReason.safeParse('cancelled_by_customer').success).toBe(false);
    expect(cancellationReason.safeParse('out_of_stock').success).toBe(false);
  });
});
