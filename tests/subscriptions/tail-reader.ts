/* Shared by the shared tail's test files: read a subscription on demand, and what `$all` says it should have given. */
import { setTimeout as sleep } from 'node:timers/promises';
import { v4 as uuid } from 'uuid';
import { expect } from 'vitest';
import type { EventStore, SubscriptionMessage } from '../../infra/event-store/index.ts';
import type { GroupSubscription } from '../../infra/subscriptions/index.ts';

/** Pulls messages only when asked, so a test decides when a consumer is slow. */
export class TailReader {
  readonly messages: SubscriptionMessage[] = [];
  private readonly iterator: AsyncIterator<SubscriptionMessage>;
  /** A next() still under way (readTo may return while it waits), taken by the next read. */
  private pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;

  constructor(readonly subscription: GroupSubscription) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  /** The next message (recorded); undefined when the iteration ended. */
  async next(): Promise<SubscriptionMessage | undefined> {
    const result = await (this.pending ?? this.iterator.next());
    this.pending = undefined;
    if (result.done) return undefined;
    this.messages.push(result.value);
    return result.value;
  }

  /**
   * Reads until everything up to `position` was considered: an event or a checkpoint at or past it, or,
   * while the consumer waits for more, its quiet position.
   */
  async readTo(position: bigint): Promise<void> {
    while ((this.considered ?? -1n) < position) {
      this.pending ??= this.iterator.next();
      const arrived = await Promise.race([this.pending.then(() => true), this.quietAt(position)]);
      if (!arrived) return;
      if ((await this.next()) === undefined) throw new Error('the subscription ended before reaching the position');
    }
  }

  /** Resolves false once the quiet position reaches `position` (polled), true when a message comes first. */
  private async quietAt(position: bigint): Promise<boolean> {
    const pending = this.pending;
    let arrived = false;
    void pending?.then(() => (arrived = true));
    while (!arrived) {
      if ((this.subscription.quietPosition?.() ?? -1n) >= position) return false;
      await sleep(10);
    }
    return true;
  }

  async readCaughtUp(): Promise<void> {
    while (!this.messages.some((message) => message.kind === 'caught-up')) {
      if ((await this.next()) === undefined) throw new Error('the subscription ended');
    }
  }

  async readEvents(count: number): Promise<void> {
    const target = this.events.length + count;
    while (this.events.length < target) {
      if ((await this.next()) === undefined) throw new Error('the subscription ended');
    }
  }

  get events(): bigint[] {
    return this.messages.flatMap((message) => (message.kind === 'event' ? [message.event.position] : []));
  }

  get considered(): bigint | undefined {
    let highest: bigint | undefined;
    for (const message of this.messages) {
      const position = message.kind === 'event' ? message.event.position : message.kind === 'checkpoint' ? message.position : undefined;
      if (position !== undefined && (highest === undefined || position > highest)) highest = position;
    }
    return highest;
  }
}

/** The positions of the events of `types` in `$all` after `from` up to `to`, as a plain readAll gives them. */
export async function eventsInAll(store: EventStore, from: bigint, to: bigint, types: readonly string[]): Promise<bigint[]> {
  const wanted = new Set(types);
  const found: bigint[] = [];
  let after = from;
  for (;;) {
    const page = await store.readAllAfter(after, 1_000);
    for (const event of page) if (event.position <= to && wanted.has(event.type)) found.push(event.position);
    const last = page.at(-1);
    if (last === undefined || last.position >= to) return found;
    after = last.position;
  }
}

/**
 * The contract of every message sequence: nothing at or before `from`, events in strictly increasing
 * positions, checkpoints never behind what came before, caught-up at most once.
 */
export function expectWellOrdered(messages: SubscriptionMessage[], from: bigint): void {
  let last = from;
  let lastEvent = from;
  let caughtUp = 0;
  for (const message of messages) {
    if (message.kind === 'caught-up') {
      caughtUp++;
      continue;
    }
    const position = message.kind === 'event' ? message.event.position : message.position;
    if (message.kind === 'event') {
      expect(position, 'events strictly after the previous event').toBeGreaterThan(lastEvent);
      lastEvent = position;
    }
    expect(position, 'never behind what was considered').toBeGreaterThanOrEqual(last);
    expect(position, 'strictly after from').toBeGreaterThan(from);
    last = position;
  }
  expect(caughtUp).toBeLessThanOrEqual(1);
}

/** Appends `count` events, one to three per append, cycling through `types`; the last position. */
export async function appendMixed(store: EventStore, count: number, types: readonly string[]): Promise<bigint> {
  let position = 0n;
  for (let written = 0; written < count; ) {
    const size = Math.min(count - written, 1 + (written % 3));
    const events = Array.from({ length: size }, (_, n) => ({ id: uuid(), type: types[(written + n) % types.length]!, data: { n: written + n } }));
    ({ position } = await store.append(`tailtest-${uuid()}`, events, 'no_stream'));
    written += size;
  }
  return position;
}
