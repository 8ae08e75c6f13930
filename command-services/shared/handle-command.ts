import { v4 as uuid } from 'uuid';
import type { Decider } from '../../domain/shared/index.ts';
import { DomainError } from '../../domain/shared/index.ts';
import { WrongExpectedRevisionError, type EventDecoder } from '../../infra/event-store/index.ts';
import { deriveEventId, type CommandContext } from './command-context.ts';
import type { CommandDependencies } from './command-dependencies.ts';
import type { CommandResult } from './command-metrics.ts';
import { findEarlierRun } from './find-earlier-run.ts';
import { loadFromStore, readWholeStream, type LoadedStream } from './load-stream.ts';
import { oneWriterPerStream } from './one-writer-per-stream.ts';
import { crossesSnapshotPoint, type SnapshotPolicy } from './snapshot-policy.ts';
import { writeSnapshotSoon } from './stream-snapshots.ts';

/** The stream kept moving under us: every attempt met a newer revision. */
export class ConcurrencyConflictError extends Error {
  constructor(
    readonly streamName: string,
    readonly attempts: number,
  ) {
    super(`stream ${streamName} kept changing; gave up after ${attempts} attempts`);
    this.name = 'ConcurrencyConflictError';
  }
}

type DomainEvent = { type: string; data: unknown };

export interface CommandRun<Command extends { type: string }, Event extends DomainEvent, State> {
  decider: Decider<Command, Event, State>;
  /** Parses what is read back (the aggregate's event union). */
  decode: EventDecoder<Event>;
  streamName: string;
  command: Command;
  context: CommandContext;
  /** Re-runs on fresh state after a wrong-expected-revision, then gives up (default 5). */
  maxAttempts?: number;
  /** For streams that grow long (a hot sku): load from the latest snapshot instead of the first event. */
  snapshot?: SnapshotPolicy<State>;
  /**
   * The stream is new as a rule (an order being placed, a saga starting): decide on the initial state
   * and append expecting no stream, without reading first. Reading a stream that does not exist is the
   * dearest read there is; when the stream does exist, the append fails and the command runs on what
   * is stored, as after any conflict.
   */
  expectNewStream?: boolean;
}

export interface CommandOutcome<Event, State> {
  /** What this command appended, or found appended by an earlier run of the same command. */
  events: Event[];
  /** State after the command. */
  state: State;
  /** `$all` position of the last event this command appended; for a no-op, of the stream's last event. */
  position: bigint | undefined;
}

/**
 * The one write path: load the stream's state, decide, append with the revision loaded. A
 * concurrent writer makes the append fail; the command then runs again on the new state,
 * so business rules are always checked against what is really stored.
 */
export function handleCommand<Command extends { type: string }, Event extends DomainEvent, State>(
  deps: CommandDependencies,
  run: CommandRun<Command, Event, State>,
): Promise<CommandOutcome<Event, State>> {
  return oneWriterPerStream(deps.eventStore, run.streamName, () => decideAndAppend(deps, run), {
    ...(deps.queueLimit === undefined ? {} : { limit: deps.queueLimit }),
    ...(run.context.abandoned ? { abandoned: run.context.abandoned } : {}),
    lineChanged: (delta) => deps.metrics.recordLine?.(delta),
  });
}

type Decision<Event> = { events: Event[] } | { refusal: DomainError };

async function decideAndAppend<Command extends { type: string }, Event extends DomainEvent, State>(
  { eventStore, metrics, streamStates }: CommandDependencies,
  run: CommandRun<Command, Event, State>,
): Promise<CommandOutcome<Event, State>> {
  const { streamName, context } = run;
  const commandType = run.command.type;
  const maxAttempts = run.maxAttempts ?? 5;
  const started = performance.now();
  let attempts = 0;
  const done = (result: CommandResult) => metrics.record(commandType, result, attempts, (performance.now() - started) / 1000);

  const snapshotSoon = ({ state, revision, position }: LoadedStream<State>) => {
    if (!run.snapshot || revision === 'no_stream' || position === undefined) return;
    writeSnapshotSoon(eventStore, streamName, run.snapshot, { state, revision, position }, metadataOf(context));
  };
  /** The state as stored (latest snapshot and what follows), never the cache's; the cache then keeps it. */
  const loadFresh = async (): Promise<LoadedStream<State>> => {
    const load = await loadFromStore(eventStore, run);
    metrics.recordLoad(commandType, load.from, load.eventsRead);
    streamStates?.set(streamName, load.stream);
    // Far from the latest snapshot (there is none yet, or it no longer decodes): take one now.
    if (run.snapshot && load.eventsRead >= run.snapshot.every) snapshotSoon(load.stream);
    return load.stream;
  };

  try {
    while (++attempts <= maxAttempts) {
      // State not read from the store on this attempt: what the cache remembers, or a stream assumed new.
      const unread = attempts === 1 && !context.lookForEarlierRun ? unreadState(run, streamStates?.get(streamName)) : undefined;
      let stream: LoadedStream<State>;
      if (unread) {
        metrics.recordLoad(commandType, unread.from, 0);
        stream = unread.stream;
      } else if (context.lookForEarlierRun) {
        // An earlier run's events may be anywhere in the stream, also before the latest snapshot, and
        // finding none (the usual case) means looking at every event whichever way one reads: so read
        // it whole, which gives the state as well. Bounding the search would take when the key was
        // first used, which only the idempotency store knows.
        const whole = await readWholeStream(eventStore, run);
        metrics.recordLoad(commandType, 'stream', whole.events.length);
        const earlier = findEarlierRun(whole.events, context, streamName);
        if (earlier) {
          done('no_op');
          return { events: earlier.map((e) => e.decoded), state: whole.stream.state, position: earlier.at(-1)?.position };
        }
        stream = whole.stream;
        streamStates?.set(streamName, stream);
      } else {
        stream = await loadFresh();
      }

      let decision = decideOn(run, stream.state);
      // Unread state may only save a read before an append, which the expected revision then checks. A
      // no-op or a refusal appends nothing, so nothing would check it: confirm it on what is stored.
      if (unread && !('events' in decision && decision.events.length > 0)) {
        stream = await loadFresh();
        decision = decideOn(run, stream.state);
      }
      if ('refusal' in decision) throw decision.refusal;
      const { events } = decision;
      if (events.length === 0) {
        done('no_op');
        return { events, state: stream.state, position: stream.position };
      }

      try {
        const appended = await eventStore.append(
          streamName,
          events.map((event, index) => ({
            id: context.idSeed ? deriveEventId(context.idSeed, streamName, index) : uuid(),
            type: event.type,
            data: event.data,
            metadata: metadataOf(context),
          })),
          stream.revision,
        );
        done('appended');
        const after = { state: events.reduce(run.decider.evolve, stream.state), revision: appended.nextRevision, position: appended.position };
        streamStates?.set(streamName, after);
        if (run.snapshot && crossesSnapshotPoint(stream.revision, appended.nextRevision, run.snapshot.every)) snapshotSoon(after);
        return { events, state: after.state, position: appended.position };
      } catch (error) {
        // Whatever happened to the stream (moved on, or an append whose outcome is unknown), read it again.
        streamStates?.forget(streamName);
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempts < maxAttempts) await backOff(attempts);
      }
    }
    attempts = maxAttempts;
    throw new ConcurrencyConflictError(streamName, maxAttempts);
  } catch (error) {
    done(error instanceof DomainError ? 'rejected' : error instanceof ConcurrencyConflictError ? 'conflict' : 'failed');
    throw error;
  }
}

function unreadState<Command extends { type: string }, Event extends DomainEvent, State>(
  run: CommandRun<Command, Event, State>,
  cached: unknown,
): { stream: LoadedStream<State>; from: 'cache' | 'assumed_new' } | undefined {
  if (cached) return { stream: cached as LoadedStream<State>, from: 'cache' };
  if (!run.expectNewStream) return undefined;
  return { stream: { state: run.decider.initialState, revision: 'no_stream', position: undefined }, from: 'assumed_new' };
}

/** A broken business rule is an answer like events are; any other error is a bug and propagates. */
function decideOn<Command extends { type: string }, Event extends DomainEvent, State>(
  run: CommandRun<Command, Event, State>,
  state: State,
): Decision<Event> {
  try {
    return { events: run.decider.decide(run.command, state) };
  } catch (error) {
    if (error instanceof DomainError) return { refusal: error };
    throw error;
  }
}

/** Full jitter, so writers that collided once do not collide again in lockstep. */
const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));

const metadataOf = (context: CommandContext) => ({
  correlationId: context.correlationId,
  causationId: context.causationId,
  ...(context.idempotencyKey === undefined ? {} : { idempotencyKey: context.idempotencyKey }),
});
