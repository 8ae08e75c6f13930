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
 * Where the saga stands after one of its own events. Derived from the event alone (no earlier
 * state needed), so applying it is an overwrite guarded by position, not a transition.
 */
export function stateAfter(event: FulfillmentEvent): SagaState {
  switch (event.type) {
    case 'FulfillmentStarted':
    case 'FulfillmentLineReserved':
    case 'StockReservationRequested':
    case 'FulfillmentDeadlineSet':
      return 'reserving_stock';
    case 'PaymentRequested':
      return 'awaiting_payment';
    case 'StockCommitRequested':
    case 'OrderConfirmationRequested':
      return 'confirming';
    case 'StockReleaseRequested':
    case 'RefundRequested':
    case 'OrderRejectionRequested':
    case 'OrderCancellationApproved':
    case 'FulfillmentTimedOut':
      return 'compensating';
    case 'FulfillmentCompleted':
      return event.data.outcome;
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
