import { fulfillmentDecider, fulfillmentEvent, fulfillmentStream } from '../../domain/fulfillment/index.ts';
import type { CommandDependencies } from '../shared/command-dependencies.ts';
import { handleCommand } from '../shared/handle-command.ts';
import type { DueDeadline } from './deadline-scheduler.ts';

const decodeFulfillmentEvent = (event: { type: string; data: unknown }) => fulfillmentEvent.parse(event);

/**
 * Asks the saga whether its deadline has passed. The decision is appended with the revision read,
 * and its event ids derive from the deadline itself: two schedulers firing it at once write it
 * once, and a saga that moved on meanwhile answers with nothing.
 */
export function deadlineFirer(deps: CommandDependencies) {
  return async ({ orderId, dueAt, correlationId }: DueDeadline, now: Date): Promise<void> => {
    await handleCommand(deps, {
      decider: fulfillmentDecider,
      decode: decodeFulfillmentEvent,
      streamName: fulfillmentStream(orderId),
      command: { type: 'CheckFulfillmentDeadline', data: { orderId, now: now.toISOString() } },
      context: {
        correlationId,
        causationId: `deadline:${orderId}`,
        idSeed: `deadline:${orderId}:${dueAt.toISOString()}`,
      },
    });
  };
}
