import type { Decider } from '../shared/decider.ts';
import type { FulfillmentInput } from './commands.ts';
import { decide } from './decide.ts';
import type { FulfillmentEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { initialState, type FulfillmentState } from './state.ts';

/**
 * The fulfillment saga as a decider: given a fact from another service (or its deadline check)
 * and the state folded from its own stream, the requests and progress to append. Its stream is
 * all it remembers, so a restart or another instance picks up exactly where it was.
 */
export const fulfillmentDecider: Decider<FulfillmentInput, FulfillmentEvent, FulfillmentState> = { initialState, evolve, decide };

export const fulfillmentCategory = 'fulfillment';
export const fulfillmentStream = (orderId: string): string => `${fulfillmentCategory}-${orderId}`;

export {
  checkFulfillmentDeadlineCommand,
  fulfillmentInput,
  orderPlacedInput,
  type CheckFulfillmentDeadline,
  type FulfillmentInput,
  type FulfillmentInputEventType,
  type OrderPlacedInput,
} from './commands.ts';
export { fulfillmentErrorCodes, type FulfillmentErrorCode } from './errors.ts';
export {
  fulfillmentCompletedEvent,
  fulfillmentDeadlineSetEvent,
  fulfillmentEvent,
  fulfillmentLineReservedEvent,
  fulfillmentOutcome,
  fulfillmentStartedEvent,
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
  type FulfillmentLineReserved,
  type FulfillmentOutcome,
  type FulfillmentStarted,
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
export { initialState, isWaiting, type FulfillmentLine, type FulfillmentState, type FulfillmentStatus, type PaymentPlan } from './state.ts';
