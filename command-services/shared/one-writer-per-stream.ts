import type { EventStore } from '../../infra/event-store/index.ts';

/**
 * Commands on one stream from one process run one after another. Optimistic concurrency keeps
 * them correct anyway; queueing keeps them fast: 64 concurrent receipts on a hot sku would
 * otherwise mostly read the same revision, collide, and exhaust their retries. Writers in other
 * processes still meet at the expected revision.
 *
 * Keyed by event store so that two apps in one process (tests) do not share queues.
 */
const tailsByStore = new WeakMap<EventStore, Map<string, Promise<unknown>>>();

export async function oneWriterPerStream<T>(eventStore: EventStore, streamName: string, work: () => Promise<T>): Promise<T> {
  let tails = tailsByStore.get(eventStore);
  if (!tails) tailsByStore.set(eventStore, (tails = new Map()));

  const previous = tails.get(streamName) ?? Promise.resolve();
  const run = previous.then(work);
  const tail = run.catch(() => undefined);
  tails.set(streamName, tail);
  try {
    return await run;
  } finally {
    // The last writer in line clears the entry, so idle streams hold no memory.
    if (tails.get(streamName) === tail) tails.delete(streamName);
  }
}
