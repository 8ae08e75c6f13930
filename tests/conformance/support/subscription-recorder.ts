import type { Readable } from 'node:stream';
import type { Position, RecordedEvent, ResolvedEvent } from '@eventstore/db-client';
import { onTestFinished } from 'vitest';
import { waitUntil } from './esdb.ts';

/** One thing a catch-up subscription told us, in the order it told us. */
export type TimelineEntry =
  | { kind: 'event'; event: RecordedEvent }
  | { kind: 'caughtUp' }
  | { kind: 'checkpoint'; position: Position };

type Subscription = Readable & { unsubscribe(): Promise<void> };

/**
 * Records a subscription's events, `caughtUp` signals and checkpoints on one timeline.
 *
 * It listens with 'data' (flowing mode) rather than `for await`: the client emits `caughtUp`
 * and calls `checkpointReached` synchronously while it transforms the server's messages, so only
 * a flowing listener keeps those signals in their true place between the events.
 */
export class SubscriptionRecorder {
  readonly timeline: TimelineEntry[] = [];
  error: Error | undefined;
  confirmed = false;
  private subscription: Subscription | undefined;

  /** Pass as `checkpointReached` in a `$all` filter. */
  readonly onCheckpoint = (_subscription: unknown, position: Position): void => {
    this.timeline.push({ kind: 'checkpoint', position });
  };

  /** Starts recording; the subscription is cancelled when the current test finishes. */
  attach<S extends Subscription>(subscription: S): S {
    this.subscription = subscription;
    subscription.on('confirmation', () => (this.confirmed = true));
    subscription.on('caughtUp', () => this.timeline.push({ kind: 'caughtUp' }));
    subscription.on('data', (resolved: ResolvedEvent) => {
      if (resolved.event) this.timeline.push({ kind: 'event', event: resolved.event });
    });
    subscription.on('error', (error: Error) => (this.error = error));
    onTestFinished(() => this.stop());
    return subscription;
  }

  get events(): RecordedEvent[] {
    return this.timeline.flatMap((entry) => (entry.kind === 'event' ? [entry.event] : []));
  }

  get checkpoints(): Position[] {
    return this.timeline.flatMap((entry) => (entry.kind === 'checkpoint' ? [entry.position] : []));
  }

  get hasCaughtUp(): boolean {
    return this.timeline.some((entry) => entry.kind === 'caughtUp');
  }

  /** Events delivered before the first `caughtUp` (all of them if it never came). */
  get eventsBeforeCaughtUp(): RecordedEvent[] {
    const end = this.timeline.findIndex((entry) => entry.kind === 'caughtUp');
    const head = end === -1 ? this.timeline : this.timeline.slice(0, end);
    return head.flatMap((entry) => (entry.kind === 'event' ? [entry.event] : []));
  }

  /** Waits until `condition` holds; rethrows the subscription's error if it fails first. */
  async waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    await waitUntil(() => this.error !== undefined || condition(), what, timeoutMs);
    if (!condition() && this.error) throw this.error;
  }

  /** Waits until at least `count` events arrived. */
  waitForEvents(count: number, timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.events.length >= count, `${count} events`, timeoutMs);
  }

  /** Waits until the subscription failed, and returns the error. */
  async waitForError(timeoutMs = 10_000): Promise<Error> {
    await waitUntil(() => this.error !== undefined, 'the subscription to fail', timeoutMs);
    return this.error!;
  }

  async stop(): Promise<void> {
    await this.subscription?.unsubscribe();
  }
}
