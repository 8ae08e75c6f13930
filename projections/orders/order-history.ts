import type { StoredEvent } from '../../domain/events.ts';

/** Every event that names an order: its own, its saga's, its payment's and its stock's. */
export const orderHistoryEventTypes = [
  'OrderPlaced',
  'OrderConfirmed',
  'OrderRejected',
  'OrderCancellationRequested',
  'OrderCancelled',
  'FulfillmentStarted',
  'StockReservationRequested',
  'StockReserved',
  'FulfillmentLineReserved',
  'StockReservationRejected',
  'StockReleaseRequested',
  'StockReleased',
  'StockCommitRequested',
  'StockCommitted',
  'PaymentRequested',
  'PaymentAuthorized',
  'PaymentDeclined',
  'RefundRequested',
  'PaymentRefunded',
  'OrderConfirmationRequested',
  'OrderRejectionRequested',
  'OrderCancellationApproved',
  'FulfillmentDeadlineSet',
  'FulfillmentTimedOut',
  'FulfillmentCompleted',
] as const satisfies readonly StoredEvent['type'][];

export type OrderHistoryEventType = (typeof orderHistoryEventTypes)[number];

/**
 * The word each event leaves in `history[].status`: the order's own statuses for its own
 * events, snake_case of the event name for saga progress. A Record, so a new handled event
 * type does not compile until it is named here. Renaming one changes stored rows: bump the
 * projection's version.
 */
const historyStatus: Record<OrderHistoryEventType, string> = {
  OrderPlaced: 'placed',
  OrderConfirmed: 'confirmed',
  OrderRejected: 'rejected',
  OrderCancellationRequested: 'cancellation_requested',
  OrderCancelled: 'cancelled',
  FulfillmentStarted: 'fulfillment_started',
  FulfillmentLineReserved: 'line_reserved',
  StockReservationRequested: 'stock_reservation_requested',
  StockReserved: 'stock_reserved',
  StockReservationRejected: 'stock_reservation_rejected',
  StockReleaseRequested: 'stock_release_requested',
  StockReleased: 'stock_released',
  StockCommitRequested: 'stock_commit_requested',
  StockCommitted: 'stock_committed',
  PaymentRequested: 'payment_requested',
  PaymentAuthorized: 'payment_authorized',
  PaymentDeclined: 'payment_declined',
  RefundRequested: 'refund_requested',
  PaymentRefunded: 'payment_refunded',
  OrderConfirmationRequested: 'order_confirmation_requested',
  OrderRejectionRequested: 'order_rejection_requested',
  OrderCancellationApproved: 'order_cancellation_approved',
  FulfillmentDeadlineSet: 'fulfillment_deadline_set',
  FulfillmentTimedOut: 'fulfillment_timed_out',
  FulfillmentCompleted: 'fulfillment_completed',
};

export interface HistoryEntry {
  orderId: string;
  status: string;
  reason: string | null;
}

const isHistoryEvent = (event: StoredEvent): event is Extract<StoredEvent, { type: OrderHistoryEventType }> =>
  (orderHistoryEventTypes as readonly string[]).includes(event.type);

/**
 * Why, when the event says: a reason code, a provider's decline words, or `out_of_stock` for a
 * line the inventory could not reserve. Only named fields are read, so the payment token that
 * PaymentRequested and OrderPlaced carry can never reach the read model.
 */
function reasonOf(event: StoredEvent): string | null {
  switch (event.type) {
    case 'OrderRejected':
    case 'OrderCancellationRequested':
    case 'OrderCancelled':
    case 'PaymentDeclined':
    case 'OrderRejectionRequested':
    case 'OrderCancellationApproved':
      return event.data.reason;
    case 'StockReservationRejected':
      return 'out_of_stock';
    case 'FulfillmentTimedOut':
      return 'timed_out';
    default:
      return null;
  }
}

/** The history line an event adds to its order; undefined for events about no order. */
export function historyEntry(event: StoredEvent): HistoryEntry | undefined {
  if (!isHistoryEvent(event)) return undefined;
  return { orderId: event.data.orderId, status: historyStatus[event.type], reason: reasonOf(event) };
}

/** The order status an event sets; undefined when it only adds history. */
export function statusAfter(event: StoredEvent): 'placed' | 'confirmed' | 'rejected' | 'cancelled' | undefined {
  switch (event.type) {
    case 'OrderPlaced':
      return 'placed';
    case 'OrderConfirmed':
      return 'confirmed';
    case 'OrderRejected':
      return 'rejected';
    case 'OrderCancelled':
      return 'cancelled';
    default:
      return undefined;
  }
}
