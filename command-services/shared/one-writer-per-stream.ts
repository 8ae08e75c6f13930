import type { EventStore } from '../../infra/event-store/index.ts';

/** More commands are in line for one stream than allowed: 503 with Retry-After, nothing run. */
export class CommandQueueFullError extends Error {
  constructor(
    readonly streamName: string,
    readonly limit: number,
  ) {
    super(`${limit} commands are already in line for stream ${streamName}`);
    this.name = 'CommandQueueFullError';
  }
}

/** Whoever asked for the command went away before its turn came: it was not run. */
export class CommandAbandonedError extends Error {
  constructor(readonly streamName: string) {
    super(`the client went away before its command on ${streamName} had its turn; not run`);
    this.name = 'CommandAbandonedError';
  }
}

export interface StreamLineOptions {
  /** Most commands in line for one stream, the running one included; one more is refused. */
  limit?: number;
  /** Asked when the command's turn comes: true, and it is not run. */
  abandoned?: () => boolean;
  /** +1 when a command joins a line, −1 when it leaves (a gauge of commands in line). */
  lineChanged?: (delta: number) => void;
}

interface Line {
  /** Settles when the last command in line has run. */
  tail: Promise<unknown>;
  length: number;
}

/**
 * Commands on one stream from one process run one after another. Optimistic concurrency keeps
 * them correct anyway; queueing keeps them fast: 64 concurrent receipts on a hot sku would
 * otherwise mostly read the same revision, collide, and exhaust their retries. Writers in other
 * processes still meet at the expected revision. The line is bounded, so a flood on one hot stream
 * is refused early instead of holding sockets and memory until every client has given up.
 *
 * Keyed by event store so that two apps in one process (tests) do not share queues.
 */
const linesByStore = new WeakMap<EventStore, Map<string, Line>>();

export async function oneWriterPerStream<T>(
  eventStore: EventStore,
  streamName: string,
  work: () => Promise<T>,
  options: StreamLineOptions = {},
): Promise<T> {
  let lines = linesByStore.get(eventStore);
  if (!lines) linesByStore.set(eventStore, (lines = new Map()));
  let line = lines.get(streamName);
  if (!line) lines.set(streamName, (line = { tail: Promise.resolve(), length: 0 }));
  if (options.limit !== undefined && line.length >= options.limit) throw new CommandQueueFullError(streamName, options.limit);

  line.length++;
  options.lineChanged?.(1);
  const run = line.tail.then(() => {
    if (options.abandoned?.()) throw new CommandAbandonedError(streamName);
    return work();
  });
  const tail = run.catch(() => undefined);
  line.tail = tail;
  try {
    return await run;
  } finally {
    line.length--;
    options.lineChanged?.(-1);
    // The last writer in line clears the entry, so idle streams hold no memory.
    if (line.tail === tail) lines.delete(streamName);
  }
}
