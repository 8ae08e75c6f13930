import type { Decider } from '../../domain/shared/index.ts';
import type { EventDecoder, EventStore, RecordedEvent } from '../../infra/event-store/index.ts';
import type { StreamLoad } from './command-metrics.ts';
import type { SnapshotPolicy } from './snapshot-policy.ts';
import type { CachedStream } from './stream-state-cache.ts';
import { readLatestSnapshot } from './stream-snapshots.ts';

/** A stream's state and where the stream stood when it was folded (what an append then expects). */
export type LoadedStream<State> = CachedStream & { state: State };

/** What the load needs to know of a command run. */
export interface StreamSource<Event, State> {
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>;
  decode: EventDecoder<Event>;
  streamName: string;
  snapshot?: SnapshotPolicy<State> | undefined;
}

export interface StoreLoad<State> {
  stream: LoadedStream<State>;
  from: Exclude<StreamLoad, 'cache'>;
  /** Events read and folded after the snapshot, or from the start. */
  eventsRead: number;
}

type Recorded<Event> = RecordedEvent & { decoded: Event };

/**
 * The stream's state as stored now: its latest snapshot and the events after it, or, without a usable
 * snapshot, every event. Never the state cache: this is what answers when the cache may not.
 */
export async function loadFromStore<Event, State>(eventStore: EventStore, source: StreamSource<Event, State>): Promise<StoreLoad<State>> {
  const snapshot = source.snapshot && (await readLatestSnapshot(eventStore, source.streamName, source.snapshot));
  if (snapshot) {
    const tail = await eventStore.readStreamFrom(source.streamName, snapshot.revision + 1n, source.decode);
    // A snapshot of a stream that is not there (deleted since) says nothing: read the stream itself.
    if (tail !== 'no_stream') return { stream: foldOnto(source, snapshot, tail), from: 'snapshot', eventsRead: tail.length };
  }
  const { stream, events } = await readWholeStream(eventStore, source);
  return { stream, from: 'stream', eventsRead: events.length };
}

/** Every event of the stream, and the state they fold to (for a caller that must look at them all). */
export async function readWholeStream<Event, State>(
  eventStore: EventStore,
  source: StreamSource<Event, State>,
): Promise<{ stream: LoadedStream<State>; events: Array<Recorded<Event>> }> {
  const read = await eventStore.readStreamFrom(source.streamName, 0n, source.decode);
  const events = read === 'no_stream' ? [] : read;
  const empty: LoadedStream<State> = { state: source.decider.initialState, revision: 'no_stream', position: undefined };
  return { stream: foldOnto(source, empty, events), events };
}

function foldOnto<Event, State>(
  { decider }: StreamSource<Event, State>,
  start: LoadedStream<State>,
  events: ReadonlyArray<Recorded<Event>>,
): LoadedStream<State> {
  let state = start.state;
  for (const event of events) state = decider.evolve(state, event.decoded);
  const last = events.at(-1);
  return last ? { state, revision: last.revision, position: last.position } : { ...start, state };
}
