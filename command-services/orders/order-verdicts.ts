import { orderDecider, orderEvent, orderStream, type OrderCommand } from '../../domain/order/index.ts';
import type { Reaction } from '../../infra/subscriptions/reaction.ts';
import type { ProjectedEvent } from '../../projections/projection.ts';
import type { CommandDependencies } from '../shared/command-dependencies.ts';
import { handleCommand } from '../shared/handle-command.ts';
import { reactionContext } from '../shared/reaction-context.ts';
import { isTransient } from '../shared/is-transient.ts';
import { unparsedOrderKey } from '../shared/unparsed-order-key.ts';

const decodeOrderEvent = (event: { type: string; data: unknown }) => orderEvent.parse(event);

function commandFor({ event }: ProjectedEvent): OrderCommand | undefined {
  switch (event.type) {
    case 'OrderConfirmationRequested':
      return { type: 'ConfirmOrder', data: { orderId: event.data.orderId } };
    case 'OrderRejectionRequested':
      return { type: 'RejectOrder', data: { orderId: event.data.orderId, reason: event.data.reason } };
    case 'OrderCancellationApproved':
      return { type: 'CancelOrder', data: { orderId: event.data.orderId, reason: event.data.reason } };
    default:
      return undefined;
  }
}

/**
 * The orders service recording the saga's verdicts (DESIGN §4 steps 4–6). A verdict the order
 * cannot take (a second, different one) is a DomainError: the saga never asks for one, so it is
 * parked for an operator rather than retried.
 */
export function createOrderVerdictsReaction(deps: CommandDependencies): Reaction {
  return {
    name: 'order-verdicts',
    handles: ['OrderConfirmationRequested', 'OrderRejectionRequested', 'OrderCancellationApproved'],
    key: ({ event }) => ('orderId' in event.data ? event.data.orderId : ''),
    unparsedKey: unparsedOrderKey,
    isTransient,
    handle: async (projected) => {
      const command = commandFor(projected);
      if (!command) return;
      await handleCommand(deps, {
        decider: orderDecider,
        decode: decodeOrderEvent,
        streamName: orderStream(command.data.orderId),
        command,
        context: reactionContext(projected),
      });
    },
  };
}
