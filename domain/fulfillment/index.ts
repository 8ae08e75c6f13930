// The fulfillment saga coordinates an order across inventory, payments and orders through
// events only. Its decider comes later; for now, the events it stores.

export const fulfillmentCategory = 'fulfillment';
export const fulfillmentStream = (orderId: string): string => `${fulfillmentCategory}-${orderId}`;

export {
  fulfillmentCompletedEvent,
  fulfillmentDeadlineSetEvent,
  fulfillmentEvent,
  fulfillmentOutcome,
  fulfillmentTimedOutEvent,
  orderCancellationApprovedEvent,
  orderConfirmationRequestedEvent,
  orderRejectionRequestedEvent,
  paymentRequestedEvent,
  refundRequestedEvent,
  stockCommitRequestedEvent,
  stockReleaseRequestedEvent,
  stockReservationRequestedEvent,
  type FulfillmentCompleted,
  type FulfillmentDeadlineSet,
  type FulfillmentEvent,
  type FulfillmentOutcome,
  type FulfillmentTimedOut,
  type OrderCancellationApproved,
  type OrderConfirmationRequested,
  type OrderRejectionRequested,
  type PaymentRequested,
  type RefundRequested,
  type StockCommitRequested,
  type StockReleaseRequested,
  type StockReservationRequested,
} from './events.ts';
