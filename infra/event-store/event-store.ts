import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import type { Logger } from '../logger.ts';
import { EventDecodingError, EventStoreUnavailableError, toEventStoreError } from './errors.ts';
import { fromResolvedEvent, type NewEvent, type RecordedEvent } from './recorded-event.ts';
import { subscribeToAll, type AllSubscription, type SubscribeToAllOptions } from './subscribe-to-all.ts';

/** The revision a command read: an exact revision, or the stream must not exist yet. */
export type ExpectedRevision = bigint | 'no_stream' | 'any' | 'stream_exists';

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextRevision: bigint;
  /** `$all` position of the last event appended (or found, for an idempotent replay). */
  position: bigint;
}

/** Parses a stored event's type and data; a zod union's `parse` fits. */
export type EventDecoder<E> = (event: { type: string; data: unknown }) => E;

export interface StreamRead<E> {
  events: Array<RecordedEvent & { decoded: E }>;
  /** Revision of the last event read, or 'no_stream' when the stream does not exist. */
  revision: bigint | 'no_stream';
}

export interface EventStoreOptions {
  url: string;
  logger: Logger;
  /** Bound on every read and append: a stalled store answers EventStoreUnavailableError. */
  timeoutMs?: number;
}

const toClientRevision = (expected: ExpectedRevision): AppendExpectedRevision =>
  expected === 'no_stream' ? NO_STREAM : expected === 'any' ? ANY : expected === 'stream_exists' ? STREAM_EXISTS : expected;

/** The application's one door to EventStoreDB. */
export class EventStore {
  private readonly client: EventStoreDBClient;
  private readonly timeoutMs: number;

  constructor(options: EventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.url);
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /**
   * Appends with optimistic concurrency; WrongExpectedRevisionError when the stream moved on.
   * Bounded in time here too: the client sends the deadline for the server to enforce but waits
   * without one itself (BatchAppend, and the feature probe of a new connection), so a frozen store
   * would otherwise hold the caller until keepalive gives up. Past the bound the outcome is
   * unknown: the caller answers 503, and a retry with the same event ids is deduplicated.
   */
  async append(streamName: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const append = this.client.appendToStream(
      streamName,
      events.map((event) =>
        jsonEvent({ id: event.id, type: event.type, data: event.data as never, metadata: event.metadata as never }),
      ),
      { expectedRevision: toClientRevision(expected), deadline: this.timeoutMs },
    );
    try {
      const result = await this.withinTimeout(`append to ${streamName}`, append, () => undefined);
      return { nextRevision: result.nextExpectedRevision, position: result.position?.commit ?? -1n };
    } catch (error) {
      throw toEventStoreError(error);
    }
  }

  /** Reads a whole stream forwards, decoding each event; bounded in time. */
  async readStream<E>(streamName: string, decode: EventDecoder<E>): Promise<StreamRead<E>> {
    const events = await this.readStreamFrom(streamName, 0n, decode);
    if (events === 'no_stream') return { events: [], revision: 'no_stream' };
    const last = events.at(-1);
    return { events, revision: last ? last.revision : 'no_stream' };
  }

  /**
   * The events of a stream from `fromRevision` (inclusive) to its end, decoded, oldest first; bounded
   * in time. None when the stream ends before `fromRevision`; 'no_stream' when it does not exist.
   */
  async readStreamFrom<E>(
    streamName: string,
    fromRevision: bigint,
    decode: EventDecoder<E>,
  ): Promise<Array<RecordedEvent & { decoded: E }> | 'no_stream'> {
    const read = this.client.readStream(streamName, { direction: FORWARDS, fromRevision: fromRevision === 0n ? START : fromRevision });
    const recorded = await this.drain(`read ${streamName} from ${fromRevision.toString()}`, read);
    if (recorded === 'no_stream') return 'no_stream';
    return recorded.map((event) => ({ ...event, decoded: decodeEvent(event, decode) }));
  }

  /** The newest event of a stream, as stored (not decoded); undefined when there is none. Bounded in time. */
  async readLastEvent(streamName: string): Promise<RecordedEvent | undefined> {
    const read = this.client.readStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    const newest = await this.drain(`read the last event of ${streamName}`, read);
    return newest === 'no_stream' ? undefined : newest[0];
  }

  /**
   * Keeps only the newest `maxCount` events of a stream readable (EventStoreDB's `$maxCount`; the
   * server scavenges the rest). Bounded in time like an append.
   */
  async setStreamMaxCount(streamName: string, maxCount: number): Promise<void> {
    const write = this.client.setStreamMetadata(streamName, { maxCount }, { deadline: this.timeoutMs });
    try {
      await this.withinTimeout(`set the metadata of ${streamName}`, write, () => undefined);
    } catch (error) {
      throw toEventStoreError(error);
    }
  }

  /** Position of the newest event in `$all` (0 when empty); also serves as a liveness probe. */
  async headPosition(): Promise<bigint> {
    const newest = await this.drain(
      'read head of $all',
      this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }),
    );
    return newest === 'no_stream' ? 0n : (newest[0]?.position ?? 0n);
  }

  /**
   * Up to `maxCount` events of `$all` after `from` (exclusive, like subscriptions; the server's forward
   * read is inclusive, so one more is read and the event at `from` dropped), oldest first, bounded in
   * time. System events (`$` types) are included: callers that count must leave them out themselves,
   * since only a full read (`maxCount` returned) says more may follow.
   */
  async readAllAfter(from: bigint | 'start', maxCount: number): Promise<RecordedEvent[]> {
    if (maxCount <= 0) return [];
    const fromPosition = from === 'start' ? START : { commit: from, prepare: from };
    const read = this.client.readAll({ direction: FORWARDS, fromPosition, maxCount: from === 'start' ? maxCount : maxCount + 1 });
    const events = await this.drain(`read $all after ${from.toString()}`, read);
    if (events === 'no_stream') return [];
    return (from === 'start' ? events : events.filter((event) => event.position > from)).slice(0, maxCount);
  }

  /** Rejects with EventStoreUnavailableError unless the store answers within the timeout. */
  async ping(): Promise<void> {
    await this.headPosition();
  }

  subscribeToAll(options: SubscribeToAllOptions): AllSubscription {
    return subscribeToAll(this.client, options);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /**
   * Reads to the end, bounded in time: the client's reads have no deadline of their own, so a
   * stalled store would hang the caller. Never leave a read early either: a read abandoned
   * mid-way keeps its gRPC call paused forever and `dispose()` then waits on it.
   */
  private async drain(
    what: string,
    read: StreamingRead<ResolvedEvent> | StreamingRead<AllStreamResolvedEvent>,
  ): Promise<RecordedEvent[] | 'no_stream'> {
    const collect = async () => {
      const events: RecordedEvent[] = [];
      try {
        for await (const resolved of read) {
          const event = fromResolvedEvent(resolved);
          if (event) events.push(event);
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return 'no_stream' as const;
        throw toEventStoreError(error);
      }
      return events;
    };
    return this.withinTimeout(what, collect(), () => void read.cancel().catch(() => undefined));
  }

  private async withinTimeout<T>(what: string, work: Promise<T>, onTimeout: () => void): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout();
        reject(new EventStoreUnavailableError(`event store did not answer "${what}" within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    // A late rejection of the abandoned work must not surface as an unhandled rejection.
    work.catch(() => undefined);
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function decodeEvent<E>(event: RecordedEvent, decode: EventDecoder<E>): E {
  try {
    return decode({ type: event.type, data: event.data });
  } catch (cause) {
    throw new EventDecodingError(event.streamName, event.revision, event.type, { cause });
  }
}

/** Connects lazily: the client opens its channel on the first call. */
export const createEventStore = (options: EventStoreOptions): EventStore => new EventStore(options);
