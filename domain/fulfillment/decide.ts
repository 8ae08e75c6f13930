import type { StockReservationRejected, StockReserved } from '../inventory/events.ts';
import type { OrderCancellationRequested } from '../order/events.ts';
import type { PaymentAuthorized, PaymentDeclined } from '../payment/events.ts';
import type { CancellationReason, RejectionReason } from '../shared/index.ts';
import type { CheckFulfillmentDeadline, FulfillmentInput, OrderPlacedInput } from './commands.ts';
import type { FulfillmentEvent } from './events.ts';
import { isWaiting, type FulfillmentLine, type FulfillmentState } from './state.ts';

// Each fact is answered once: a repeat finds the state already past it and yields nothing, and
// news that no longer matters (a reservation after the order was turned down, a decline after a
// timeout) is a no-op too, because compensation was already asked for everything it could touch.

type Waiting = Extract<FulfillmentState, { status: 'reserving' | 'awaiting_payment' }>;

/** Step 1: a reservation request per line, the deadline, and what to charge later. */
function startFulfillment(input: OrderPlacedInput, state: FulfillmentState): FulfillmentEvent[] {
  if (state.status !== 'idle') return [];
  const { orderId, lines, total, currency, payment } = input.data;
  return [
    { type: 'FulfillmentStarted', data: { orderId, amount: total, currency, token: payment.token } },
    ...lines.map(({ sku, quantity }): FulfillmentEvent => ({ type: 'StockReservationRequested', data: { orderId, sku, quantity } })),
    { type: 'FulfillmentDeadlineSet', data: { orderId, dueAt: input.dueAt } },
  ];
}

/** Step 3: the last line reserved asks for the payment. */
function noteReservation(input: StockReserved, state: FulfillmentState): FulfillmentEvent[] {
  if (state.status !== 'reserving') return [];
  const { orderId, sku, quantity } = input.data;
  if (state.reserved.has(sku) || !state.lines.some((line) => line.sku === sku)) return [];
  const noted: FulfillmentEvent = { type: 'FulfillmentLineReserved', data: { orderId, sku, quantity } };
  const allReserved = state.lines.every((line) => line.sku === sku || state.reserved.has(line.sku));
  if (!allReserved) return [noted];
  const { amount, currency, token } = state.payment;
  return [noted, { type: 'PaymentRequested', data: { orderId, amount, currency, token } }];
}

/**
 * Step 5: give back every line but the refused one. Lines whose answer has not arrived are
 * released too: the inventory answers an order's requests in order, so the release follows the
 * reservation it undoes, and releasing what was never reserved is a no-op there.
 */
function compensate(state: Waiting, verdict: FulfillmentEvent, keep: (line: FulfillmentLine) => boolean = () => false): FulfillmentEvent[] {
  const releases = state.lines
    .filter((line) => !keep(line))
    .map(({ sku, quantity }): FulfillmentEvent => ({ type: 'StockReleaseRequested', data: { orderId: state.orderId, sku, quantity } }));
  return [...releases, verdict];
}

const rejection = (orderId: string, reason: RejectionReason): FulfillmentEvent => ({
  type: 'OrderRejectionRequested',
  data: { orderId, reason },
});

function rejectForStock(input: StockReservationRejected, state: FulfillmentState): FulfillmentEvent[] {
  if (state.status !== 'reserving') return [];
  const { sku } = input.data;
  if (!state.lines.some((line) => line.sku === sku) || state.reserved.has(sku)) return [];
  return compensate(state, rejection(state.orderId, 'out_of_stock'), (line) => line.sku === sku);
}

/**
 * Step 4 once authorized; step 7 when the money arrives for an order already turned down or
 * cancelled: it is handed back, once.
 */
function settleAuthorization(input: PaymentAuthorized, state: FulfillmentState): FulfillmentEvent[] {
  const { orderId, amount, currency } = input.data;
  if (state.status === 'awaiting_payment') {
    return [
      ...state.lines.map(({ sku, quantity }): FulfillmentEvent => ({ type: 'StockCommitRequested', data: { orderId, sku, quantity } })),
      { type: 'OrderConfirmationRequested', data: { orderId } },
    ];
  }
  const turnedDown = state.status === 'compensating' || (state.status === 'completed' && state.outcome !== 'confirmed');
  if (turnedDown && !state.refundRequested) return [{ type: 'RefundRequested', data: { orderId, amount, currency } }];
  return [];
}

function rejectForPayment(_input: PaymentDeclined, state: FulfillmentState): FulfillmentEvent[] {
  if (state.status !== 'awaiting_payment') return [];
  return compensate(state, rejection(state.orderId, 'payment_declined'));
}

/** Step 6: approved only while the order still waits on stock or payment; after that the verdict stands. */
function approveCancellation(input: OrderCancellationRequested, state: FulfillmentState): FulfillmentEvent[] {
  if (!isWaiting(state)) return [];
  const reason: CancellationReason = input.data.reason;
  return compensate(state, { type: 'OrderCancellationApproved', data: { orderId: state.orderId, reason } });
}

function timeOut(command: CheckFulfillmentDeadline, state: FulfillmentState): FulfillmentEvent[] {
  if (!isWaiting(state) || state.dueAt === undefined) return [];
  if (Date.parse(state.dueAt) > Date.parse(command.data.now)) return [];
  return [{ type: 'FulfillmentTimedOut', data: { orderId: state.orderId } }, ...compensate(state, rejection(state.orderId, 'timed_out'))];
}

/** The order recorded the verdict the saga asked for: the saga is done. */
function complete(outcome: 'confirmed' | 'rejected' | 'cancelled', state: FulfillmentState): FulfillmentEvent[] {
  if (state.status !== 'confirming' && state.status !== 'compensating') return [];
  const expected = state.status === 'confirming' ? 'confirmed' : state.outcome;
  if (expected !== outcome) return [];
  return [{ type: 'FulfillmentCompleted', data: { orderId: state.orderId, outcome } }];
}

export function decide(input: FulfillmentInput, state: FulfillmentState): FulfillmentEvent[] {
  switch (input.type) {
    case 'OrderPlaced':
      return startFulfillment(input, state);
    case 'StockReserved':
      return noteReservation(input, state);
    case 'StockReservationRejected':
      return rejectForStock(input, state);
    case 'PaymentAuthorized':
      return settleAuthorization(input, state);
    case 'PaymentDeclined':
      return rejectForPayment(input, state);
    case 'OrderCancellationRequested':
      return approveCancellation(input, state);
    case 'CheckFulfillmentDeadline':
      return timeOut(input, state);
    case 'OrderConfirmed':
      return complete('confirmed', state);
    case 'OrderRejected':
      return complete('rejected', state);
    case 'OrderCancelled':
      return complete('cancelled', state);
    default: {
      const _exhaustive: never = input;
      throw new Error(`Unknown fulfillment input ${JSON.stringify(_exhaustive)}`);
    }
  }
}
