import {
  eventTypeFilter,
  START,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { toEventStoreError } from './errors.ts';
import { fromResolvedEvent, type RecordedEvent } from './recorded-event.ts';

/** What a `$all` subscriber receives, in log order. */
export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  /** Every event up to and including `position` has been considered (delivered or filtered out). */
  | { kind: 'checkpoint'; position: bigint }
  /** The subscription reached the head of the log; what follows is live. */
  | { kind: 'caught-up' };

export interface SubscriptionFilter {
  on: 'stream' | 'eventType';
  /** Passes when the name starts with any prefix. Ignored when `regex` is given. */
  prefixes?: string[];
  /** Unanchored regular expression, evaluated by the server. */
  regex?: string;
}

export interface SubscribeToAllOptions {
  /** Exclusive: the subscription starts after this position. */
  from: bigint | 'start';
  filter: SubscriptionFilter;
  /** The server reports a checkpoint after this many considered events (default 32). */
  checkpointEvery?: number;
}

export interface AllSubscription extends AsyncIterable<SubscriptionMessage> {
  /** Cancels the call on the server; the iteration then ends. */
  close(): Promise<void>;
}

/**
 * Subscribes to `$all` through the client and yields events, checkpoints and caught-up in one
 * ordered stream. The client reports checkpoints and caught-up through a callback and an event
 * raised inside its Transform's `_transform`; pushing our marker into the same Transform at that
 * moment places it exactly between the events before and after it, so a consumer iterating with
 * `for await` can never pass a checkpoint before the events it covers.
 */
export function subscribeToAll(client: EventStoreDBClient, options: SubscribeToAllOptions): AllSubscription {
  const checkpointEvery = options.checkpointEvery ?? 32;
  const makeFilter = options.filter.on === 'stream' ? streamNameFilter : eventTypeFilter;
  const pushMarker = (subscription: AllStreamSubscription, marker: SubscriptionMessage) => {
    subscription.push(marker);
  };
  const filterOptions = {
    maxSearchWindow: checkpointEvery,
    checkpointInterval: 1,
    checkpointReached: (subscription: AllStreamSubscription, position: { commit: bigint }) =>
      pushMarker(subscription, { kind: 'checkpoint', position: position.commit }),
  };
  const filter = options.filter.regex
    ? makeFilter({ ...filterOptions, regex: options.filter.regex })
    : makeFilter({ ...filterOptions, prefixes: options.filter.prefixes ?? [] });

  const subscription = client.subscribeToAll({
    fromPosition: options.from === 'start' ? START : { commit: options.from, prepare: options.from },
    filter,
  });
  subscription.on('caughtUp', () => pushMarker(subscription, { kind: 'caught-up' }));

  async function* messages(): AsyncGenerator<SubscriptionMessage> {
    try {
      for await (const item of subscription as AsyncIterable<AllStreamResolvedEvent | SubscriptionMessage>) {
        if ('kind' in item) {
          yield item;
          continue;
        }
        const event = fromResolvedEvent(item);
        if (event) yield { kind: 'event', event };
      }
    } catch (error) {
      throw toEventStoreError(error);
    }
  }

  return {
    [Symbol.asyncIterator]: () => messages(),
    close: () => subscription.unsubscribe(),
  };
}
