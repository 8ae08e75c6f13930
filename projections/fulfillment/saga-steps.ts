import type { StoredEvent } from '../../domain/events.ts';
import type { FulfillmentEvent } from '../../domain/fulfillment/events.ts';

/** Every event the fulfillment saga writes to `fulfillment-{orderId}`. */
export const fulfillmentEventTypes = [
  'FulfillmentStarted',
  'FulfillmentLineReserved',
  'StockReservationRequested',
  'StockReleaseRequested',
  'StockCommitRequested',
  'PaymentRequested',
  'RefundRequested',
  'OrderConfirmationRequested',
  'OrderRejectionRequested',
  'OrderCancellationApproved',
  'FulfillmentDeadlineSet',
  'FulfillmentTimedOut',
  'FulfillmentCompleted',
] as const satisfies readonly FulfillmentEvent['type'][];

export type SagaState =
  | 'reserving_stock'
  | 'awaiting_payment'
  | 'confirming'
  | 'compensating'
  | 'confirmed'
  | 'rejected'
  | 'cancelled';

export const isFulfillmentEvent = (event: StoredEvent): event is FulfillmentEvent =>
  (fulfillmentEventTypes as readonly string[]).includes(event.type);

/**
 * Where the saga stands after one of its own events, derived from the event alone (no earlier
 * state needed), so applying it is an overwrite guarded by position, not a transition. Requests
 * that accompany a transition (a line noted, a release, a commit, a late refund) leave the state
 * as the transition set it: undefined.
 */
export function stateAfter(event: FulfillmentEvent): SagaState | undefined {
  switch (event.type) {
    case 'FulfillmentStarted':
      return 'reserving_stock';
    case 'PaymentRequested':
      return 'awaiting_payment';
    case 'OrderConfirmationRequested':
      return 'confirming';
    case 'OrderRejectionRequested':
    case 'OrderCancellationApproved':
    case 'FulfillmentTimedOut':
      return 'compensating';
    case 'FulfillmentCompleted':
      return event.data.outcome;
    case 'FulfillmentLineReserved':
    case 'StockReservationRequested':
    case 'FulfillmentDeadlineSet':
    case 'StockReleaseRequested':
    case 'StockCommitRequested':
    case 'RefundRequested':
      return undefined;
  }
}

/**
 * A step's own fields beside `type`, `at` and `position`. Fields are picked one by one: the
 * payment token of PaymentRequested is never copied, and the order id is the saga's key already.
 */
export function stepDetails(event: FulfillmentEvent): Record<string, string | number> {
  switch (event.type) {
    case 'FulfillmentLineReserved':
    case 'StockReservationRequested':
    case 'StockReleaseRequested':
    case 'StockCommitRequested':
      return { sku: event.data.sku, quantity: event.data.quantity };
    case 'FulfillmentStarted':
      // Never the payment token: it must not reach a read model.
      return { amount: event.data.amount, currency: event.data.currency };
    case 'PaymentRequested':
    case 'RefundRequested':
      return { amount: event.data.amount, currency: event.data.currency };
    case 'OrderRejectionRequested':
    case 'OrderCancellationApproved':
      return { reason: event.data.reason };
    case 'FulfillmentDeadlineSet':
      return { dueAt: event.data.dueAt };
    case 'FulfillmentCompleted':
      return { outcome: event.data.outcome };
    case 'OrderConfirmationRequested':
    case 'FulfillmentTimedOut':
      return {};
  }
}
