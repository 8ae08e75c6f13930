import { z } from 'zod';
import { stockReservationRejectedEvent, stockReservedEvent } from '../inventory/events.ts';
import {
  orderCancellationRequestedEvent,
  orderCancelledEvent,
  orderConfirmedEvent,
  orderPlacedEvent,
  orderRejectedEvent,
} from '../order/events.ts';
import { paymentAuthorizedEvent, paymentDeclinedEvent } from '../payment/events.ts';
import { orderId } from '../shared/identifiers.ts';

// The saga's commands are the facts it reacts to, exactly as the other services stored them,
// plus its own clock: the deadline check. Deciding on a fact never asks for anything else.

/** An order placed, with the moment the saga gives up on it (FULFILLMENT_TIMEOUT_MS after the order). */
export const orderPlacedInput = orderPlacedEvent.extend({ dueAt: z.iso.datetime() });

/** Sent when the due-time index says a deadline has passed; `now` is the caller's clock. */
export const checkFulfillmentDeadlineCommand = z.strictObject({
  type: z.literal('CheckFulfillmentDeadline'),
  data: z.strictObject({ orderId, now: z.iso.datetime() }),
});

export const fulfillmentInput = z.discriminatedUnion('type', [
  orderPlacedInput,
  stockReservedEvent,
  stockReservationRejectedEvent,
  paymentAuthorizedEvent,
  paymentDeclinedEvent,
  orderCancellationRequestedEvent,
  orderConfirmedEvent,
  orderRejectedEvent,
  orderCancelledEvent,
  checkFulfillmentDeadlineCommand,
]);

export type OrderPlacedInput = z.infer<typeof orderPlacedInput>;
export type CheckFulfillmentDeadline = z.infer<typeof checkFulfillmentDeadlineCommand>;
export type FulfillmentInput = z.infer<typeof fulfillmentInput>;
/** The stored events the saga reacts to (the subscription's filter). */
export type FulfillmentInputEventType = Exclude<FulfillmentInput['type'], 'CheckFulfillmentDeadline'>;
