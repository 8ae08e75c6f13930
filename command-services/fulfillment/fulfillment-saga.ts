import {
  fulfillmentDecider,
  fulfillmentEvent,
  fulfillmentStream,
  type FulfillmentInput,
  type FulfillmentInputEventType,
} from '../../domain/fulfillment/index.ts';
import type { Reaction } from '../../infra/subscriptions/reaction.ts';
import type { ProjectedEvent } from '../../projections/projection.ts';
import type { CommandDependencies } from '../shared/command-dependencies.ts';
import { handleCommand } from '../shared/handle-command.ts';
import { reactionContext } from '../shared/reaction-context.ts';
import { isTransient } from '../shared/is-transient.ts';
import { unparsedOrderKey } from '../shared/unparsed-order-key.ts';

/** The facts the saga reacts to, from orders, inventory and payments. */
export const sagaInputTypes = [
  'OrderPlaced',
  'StockReserved',
  'StockReservationRejected',
  'PaymentAuthorized',
  'PaymentDeclined',
  'OrderCancellationRequested',
  'OrderConfirmed',
  'OrderRejected',
  'OrderCancelled',
] as const satisfies readonly FulfillmentInputEventType[];

const decodeFulfillmentEvent = (event: { type: string; data: unknown }) => fulfillmentEvent.parse(event);

/**
 * An input fact as the saga's decider takes it. The deadline is FULFILLMENT_TIMEOUT_MS after the
 * order was recorded (the event's own time), so a redelivery or a replay sets the same deadline.
 */
function sagaInput({ event, createdAt }: ProjectedEvent, timeoutMs: number): FulfillmentInput | undefined {
  switch (event.type) {
    case 'OrderPlaced':
      return { ...event, dueAt: new Date(createdAt.getTime() + timeoutMs).toISOString() };
    case 'StockReserved':
    case 'StockReservationRejected':
    case 'PaymentAuthorized':
    case 'PaymentDeclined':
    case 'OrderCancellationRequested':
    case 'OrderConfirmed':
    case 'OrderRejected':
    case 'OrderCancelled':
      return event;
    default:
      return undefined;
  }
}

export interface FulfillmentSagaOptions {
  deps: CommandDependencies;
  /** FULFILLMENT_TIMEOUT_MS. */
  timeoutMs: number;
}

/**
 * The saga's runner side (DESIGN §4): each fact about an order becomes one decision on
 * `fulfillment-{orderId}`, appended with the revision read. The reaction runner delivers an
 * order's facts in order and different orders concurrently.
 */
export function createFulfillmentSaga({ deps, timeoutMs }: FulfillmentSagaOptions): Reaction {
  return {
    name: 'fulfillment-saga',
    handles: sagaInputTypes,
    key: ({ event }) => ('orderId' in event.data ? event.data.orderId : ''),
    unparsedKey: unparsedOrderKey,
    isTransient,
    handle: async (projected) => {
      const input = sagaInput(projected, timeoutMs);
      if (!input) return;
      await handleCommand(deps, {
        decider: fulfillmentDecider,
        decode: decodeFulfillmentEvent,
        streamName: fulfillmentStream(input.data.orderId),
        command: input,
        context: reactionContext(projected),
        // An order's first fact starts its saga's stream.
        expectNewStream: input.type === 'OrderPlaced',
      });
    },
  };
}
