import { describe, expect, it } from 'vitest';
import { STOCK_REQUESTS_MAX_IN_FLIGHT } from '../../command-services/inventory/stock-requests.ts';
import { REMEMBERED_CLOSED_RESERVATIONS } from '../../domain/inventory/index.ts';

// After a crash the stock reaction redelivers at most its in-flight window; a redelivered
// reservation request must still find its order among those the inventory remembers as closed
// (closings of other orders between the first delivery and the redelivery are bounded by twice
// the window, with a margin of two for a takeover by another worker).
describe('the stock reaction and the memory of closed reservations', () => {
  it('redeliver no more than the inventory remembers', () => {
    expect(STOCK_REQUESTS_MAX_IN_FLIGHT * 4).toBeLessThanOrEqual(REMEMBERED_CLOSED_RESERVATIONS);
  });
});
