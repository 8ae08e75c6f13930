import type { StoredEventType } from '../../domain/events.ts';
import type { ProjectedEvent, UnparsedEvent } from './projection-contract.ts';

/**
 * A consumer of `$all` whose effect is appending events (or calling out), not writing rows: the
 * fulfillment saga, and the services that answer its requests. The reaction runner delivers each
 * handled event at least once: events of one key one at a time, in log order; different keys
 * concurrently. Its checkpoint never passes an event whose `handle` has not resolved (or which
 * was parked), so after a crash or a takeover only events past the committed checkpoint come
 * again, and at most `maxInFlight` of them.
 */
export interface Reaction {
  /** Names the subscription group: its checkpoint row, its lock and its dead letters. */
  name: string;
  /** Event types delivered (the server-side filter); others only move the checkpoint. */
  handles: readonly StoredEventType[];
  /** The unit of ordering and of parking (the order id, for every reaction of the saga). */
  key(event: ProjectedEvent): string;
  /**
   * The key of an event that does not parse, from what is left of it: the key `key` would give, so the
   * event parks under it and holds up its key's later events. Absent or undefined: the stream name.
   */
  unparsedKey?(raw: UnparsedEvent): string | undefined;
  /**
   * Handles one event; resolves once its effects are durable. Must be idempotent: a redelivered
   * event derives the same event ids and meets aggregate-level no-ops. `signal` aborts when the
   * runner stops or loses its role: stop waiting (provider retries, backoff) and reject. The runner
   * waits for every handler to settle before it stops or starts a new session (so two handlers of
   * one key never overlap): a handler deaf to the signal holds that up.
   */
  handle(event: ProjectedEvent, signal: AbortSignal): Promise<void>;
  /**
   * True for a failure that says nothing about the event (a store unreachable, a conflict that
   * persisted): the event is retried, with backoff, and its key waits, for as long as the runner
   * runs. False: the event is poison and its key is parked (it and the key's later events wait in
   * dead_letters for a retry). Default: event store unreachable and transient database errors.
   */
  isTransient?(error: unknown): boolean;
  /**
   * Most events read but not yet covered by the committed checkpoint: the runner stops reading
   * beyond it, which bounds both memory and what a crash, a takeover or a reconnect redelivers
   * (default 1,000). The flip side: a key held for long (a slow handler, a transient failure
   * retried) holds the checkpoint, and once this many events pile up behind it every key waits.
   */
  maxInFlight?: number;
}
