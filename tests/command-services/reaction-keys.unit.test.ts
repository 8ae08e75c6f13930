import { describe, expect, it } from 'vitest';
import { createFulfillmentSaga } from '../../command-services/fulfillment/fulfillment-saga.ts';
import { createStockRequestsReaction } from '../../command-services/inventory/stock-requests.ts';
import { createOrderVerdictsReaction } from '../../command-services/orders/order-verdicts.ts';
import { createPaymentRequestsReaction, type PaymentRequestsDependencies } from '../../command-services/payments/payment-requests-reaction.ts';
import type { CommandDependencies } from '../../command-services/shared/command-dependencies.ts';
import { createLogger } from '../../infra/logger.ts';
import { keyOf } from '../../infra/subscriptions/apply-or-park.ts';
import { projected } from '../projections/projection-harness.ts';
import { storedExamples } from '../projections/stored-events.ts';

// Building a reaction does no I/O: these dependencies are never called here.
const deps = { logger: createLogger({ level: 'silent' }) } as unknown as PaymentRequestsDependencies & CommandDependencies;
const reactions = [
  createFulfillmentSaga({ deps, timeoutMs: 30_000 }),
  createStockRequestsReaction(deps),
  createOrderVerdictsReaction(deps),
  createPaymentRequestsReaction(deps),
];

describe.each(reactions.map((reaction) => [reaction.name, reaction] as const))('the %s reaction', (_name, reaction) => {
  const handled = storedExamples.filter((event) => reaction.handles.includes(event.type));

  it.each(handled.map((event) => [event.type, event] as const))(
    'keys a %s it cannot parse by the order it is about, so it holds up that order and nothing else',
    (_type, event) => {
      const key = reaction.key(projected(event));
      // Its data mangled but still naming the order, in a stream that says nothing.
      expect(reaction.unparsedKey?.({ streamName: 'elsewhere-1', data: { ...event.data, amount: 'x', quantity: 'x' } })).toBe(key);
      // Its data unreadable, in a stream named by the order.
      expect(reaction.unparsedKey?.({ streamName: `fulfillment-${key}`, data: 'not an object' })).toBe(key);
    },
  );

  it('parks what it cannot parse under that key', () => {
    const event = handled[0]!;
    const { event: _parsed, ...delivered } = projected(event);
    const unreadable = { ...delivered, streamName: `order-${reaction.key(projected(event))}`, type: event.type, data: 'not an object' as unknown };
    expect(keyOf(reaction, unreadable)).toMatchObject({ key: reaction.key(projected(event)), error: expect.anything() });
  });
});
