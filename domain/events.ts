import { z } from 'zod';
import { fulfillmentEvent } from './fulfillment/events.ts';
import { inventoryEvent } from './inventory/events.ts';
import { orderEvent } from './order/events.ts';
import { paymentEvent } from './payment/events.ts';
import { productEvent } from './product/events.ts';

/**
 * Every event the system stores, in one flat union: the event-store adapter parses
 * anything it reads back with it. Event type names are unique across streams: the union
 * throws on a duplicate at its first parse, so the event corpus test catches one.
 */
export const allEvents = z.discriminatedUnion('type', [
  ...productEvent.options,
  ...inventoryEvent.options,
  ...orderEvent.options,
  ...paymentEvent.options,
  ...fulfillmentEvent.options,
]);

export type StoredEvent = z.infer<typeof allEvents>;
export type StoredEventType = StoredEvent['type'];

/** The name of every stored event type, e.g. to build a subscription filter. */
export const allEventTypes: readonly StoredEventType[] = allEvents.options.map((option) => option.shape.type.value);
