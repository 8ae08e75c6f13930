import type { FulfillmentEvent, FulfillmentInput } from '../../../domain/fulfillment/index.ts';

// Builders for one order's saga, so each scenario reads as its story: an order of two mugs and
// a box of tea, 32.48 EUR, with 30 seconds to be fulfilled.

export const orderId = '4c3f2a1b-8d7e-4f6a-9b5c-2e1d0f9a8b7c';
export const dueAt = '2026-12-07T10:00:30.000Z';
const mug = { sku: 'MUG-001', quantity: 2 };
const tea = { sku: 'TEA-EARLGREY-100G', quantity: 1 };

// --- what the other services say (the saga's inputs)
export const orderPlaced: FulfillmentInput = {
  type: 'OrderPlaced',
  data: {
    orderId,
    customerId: 'customer-42',
    lines: [
      { ...mug, unitPrice: 1299 },
      { ...tea, unitPrice: 650 },
    ],
    total: 3248,
    currency: 'EUR',
    payment: { token: 'tok_ok' },
  },
  dueAt,
};
export const mugReserved: FulfillmentInput = { type: 'StockReserved', data: { orderId, ...mug } };
export const teaReserved: FulfillmentInput = { type: 'StockReserved', data: { orderId, ...tea } };
export const teaOutOfStock: FulfillmentInput = {
  type: 'StockReservationRejected',
  data: { orderId, sku: tea.sku, requested: 1, available: 0 },
};
export const authorized: FulfillmentInput = {
  type: 'PaymentAuthorized',
  data: { orderId, amount: 3248, currency: 'EUR', providerRef: 'sim_auth_1' },
};
export const declined: FulfillmentInput = { type: 'PaymentDeclined', data: { orderId, reason: 'card_declined' } };
export const cancellationRequested: FulfillmentInput = {
  type: 'OrderCancellationRequested',
  data: { orderId, reason: 'cancelled_by_customer', note: 'Ordered the wrong size' },
};
export const orderConfirmed: FulfillmentInput = { type: 'OrderConfirmed', data: { orderId } };
export const orderRejected = (reason: 'out_of_stock' | 'payment_declined' | 'timed_out'): FulfillmentInput => ({
  type: 'OrderRejected',
  data: { orderId, reason },
});
export const orderCancelled: FulfillmentInput = { type: 'OrderCancelled', data: { orderId, reason: 'cancelled_by_customer' } };
export const deadlineCheck = (now: string): FulfillmentInput => ({ type: 'CheckFulfillmentDeadline', data: { orderId, now } });
export const afterTheDeadline = deadlineCheck('2026-12-07T10:00:31.000Z');
export const beforeTheDeadline = deadlineCheck('2026-12-07T10:00:29.999Z');

// --- what the saga records (its own stream)
export const started: FulfillmentEvent[] = [
  { type: 'FulfillmentStarted', data: { orderId, amount: 3248, currency: 'EUR', token: 'tok_ok' } },
  { type: 'StockReservationRequested', data: { orderId, ...mug } },
  { type: 'StockReservationRequested', data: { orderId, ...tea } },
  { type: 'FulfillmentDeadlineSet', data: { orderId, dueAt } },
];
export const mugNoted: FulfillmentEvent = { type: 'FulfillmentLineReserved', data: { orderId, ...mug } };
export const teaNoted: FulfillmentEvent = { type: 'FulfillmentLineReserved', data: { orderId, ...tea } };
export const paymentRequested: FulfillmentEvent = {
  type: 'PaymentRequested',
  data: { orderId, amount: 3248, currency: 'EUR', token: 'tok_ok' },
};
export const releaseMug: FulfillmentEvent = { type: 'StockReleaseRequested', data: { orderId, ...mug } };
export const releaseTea: FulfillmentEvent = { type: 'StockReleaseRequested', data: { orderId, ...tea } };
export const commits: FulfillmentEvent[] = [
  { type: 'StockCommitRequested', data: { orderId, ...mug } },
  { type: 'StockCommitRequested', data: { orderId, ...tea } },
];
export const confirmationRequested: FulfillmentEvent = { type: 'OrderConfirmationRequested', data: { orderId } };
export const rejectionRequested = (reason: 'out_of_stock' | 'payment_declined' | 'timed_out'): FulfillmentEvent => ({
  type: 'OrderRejectionRequested',
  data: { orderId, reason },
});
export const cancellationApproved: FulfillmentEvent = {
  type: 'OrderCancellationApproved',
  data: { orderId, reason: 'cancelled_by_customer' },
};
export const timedOut: FulfillmentEvent = { type: 'FulfillmentTimedOut', data: { orderId } };
export const refundRequested: FulfillmentEvent = { type: 'RefundRequested', data: { orderId, amount: 3248, currency: 'EUR' } };
export const completed = (outcome: 'confirmed' | 'rejected' | 'cancelled'): FulfillmentEvent => ({
  type: 'FulfillmentCompleted',
  data: { orderId, outcome },
});

/** The saga's stream at each point of its life. */
export const histories = {
  reservingBoth: started,
  mugReserved: [...started, mugNoted],
  awaitingPayment: [...started, mugNoted, teaNoted, paymentRequested],
  confirming: [...started, mugNoted, teaNoted, paymentRequested, ...commits, confirmationRequested],
  confirmed: [...started, mugNoted, teaNoted, paymentRequested, ...commits, confirmationRequested, completed('confirmed')],
  rejectedForStock: [...started, mugNoted, releaseMug, rejectionRequested('out_of_stock')],
  timedOutAwaitingPayment: [...started, mugNoted, teaNoted, paymentRequested, timedOut, releaseMug, releaseTea, rejectionRequested('timed_out')],
  timedOutAndRejected: [
    ...started, mugNoted, teaNoted, paymentRequested, timedOut, releaseMug, releaseTea, rejectionRequested('timed_out'), completed('rejected'),
  ],
  cancelledAwaitingPayment: [...started, mugNoted, teaNoted, paymentRequested, releaseMug, releaseTea, cancellationApproved],
  cancelled: [...started, mugNoted, teaNoted, paymentRequested, releaseMug, releaseTea, cancellationApproved, completed('cancelled')],
} satisfies Record<string, FulfillmentEvent[]>;
