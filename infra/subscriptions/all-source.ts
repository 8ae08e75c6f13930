import type { AllSubscription, EventStore } from '../event-store/index.ts';

/** What a subscription group asks of `$all`. */
export interface GroupSubscriptionOptions {
  /** Exclusive: the subscription starts after this position. */
  from: bigint | 'start';
  /** Event types delivered (exact names); every other event only moves the checkpoints. */
  handles: readonly string[];
  /** How many dropped events may pass before a checkpoint covers them (default 32). */
  checkpointEvery?: number;
}

/** A group's subscription; it may know, while idle, how far the log holds nothing for the group. */
export interface GroupSubscription extends AllSubscription {
  /**
   * While the consumer waits for its next message: every event up to the position returned was handed
   * out or is not the group's. Undefined when it cannot tell (the runner then probes the store).
   */
  quietPosition?(): bigint | undefined;
}

/**
 * Where a runner's sessions take their `$all` subscriptions from: an ordered stream of the group's
 * events after `from`, checkpoints covering the rest, and caught-up once at the head.
 */
export interface AllSource {
  subscribe(options: GroupSubscriptionOptions): GroupSubscription;
}

/**
 * One gRPC subscription per call, filtered by the server on the handled types (as prefixes, so an
 * event type that merely starts like a handled one may still arrive: consumers match exactly).
 */
export const directSource = (eventStore: EventStore): AllSource => ({
  subscribe: ({ from, handles, checkpointEvery }) =>
    eventStore.subscribeToAll({ from, filter: { on: 'eventType', prefixes: [...handles] }, checkpointEvery: checkpointEvery ?? 32 }),
});
