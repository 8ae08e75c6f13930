import { v4 as uuid } from 'uuid';
import type { Decider } from '../../domain/shared/index.ts';
import { DomainError } from '../../domain/shared/index.ts';
import { WrongExpectedRevisionError, type EventDecoder, type RecordedEvent } from '../../infra/event-store/index.ts';
import { deriveEventId, type CommandContext } from './command-context.ts';
import type { CommandDependencies } from './command-dependencies.ts';
import type { CommandResult } from './command-metrics.ts';
import { oneWriterPerStream } from './one-writer-per-stream.ts';
import type { CachedStream } from './stream-state-cache.ts';

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
 * The one write path: read the stream, fold it, decide, append with the revision read. A
 * concurrent writer makes the append fail; the command then runs again on the new state,
 * so business rules are always checked against what is really stored.
 */
export function handleCommand<Command extends { type: string }, Event extends DomainEvent, State>(
  deps: CommandDependencies,
  run: CommandRun<Command, Event, State>,
): Promise<CommandOutcome<Event, State>> {
  return oneWriterPerStream(deps.eventStore, run.streamName, () => decideAndAppend(deps, run));
}

async function decideAndAppend<Command extends { type: string }, Event extends DomainEvent, State>(
  { eventStore, metrics, streamStates }: CommandDependencies,
  run: CommandRun<Command, Event, State>,
): Promise<CommandOutcome<Event, State>> {
  const { decider, streamName, context } = run;
  const maxAttempts = run.maxAttempts ?? 5;
  const started = performance.now();
  let attempts = 0;
  const done = (result: CommandResult) =>
    metrics.record(run.command.type, result, attempts, (performance.now() - started) / 1000);

  try {
    while (++attempts <= maxAttempts) {
      // A command with an idempotency key always reads: only the stream itself can tell whether an
      // earlier run of it already appended (its events carry ids derived from the key).
      let stream = attempts === 1 && !context.lookForEarlierRun ? (streamStates?.get(streamName) as Cached<State> | undefined) : undefined;
      if (!stream) {
        const read = await eventStore.readStream(streamName, run.decode);
        const state = read.events.reduce((current, event) => decider.evolve(current, event.decoded), decider.initialState);
        const earlier = findEarlierRun(read.events, context, streamName);
        if (earlier) {
          done('no_op');
          return { events: earlier.map((e) => e.decoded), state, position: earlier.at(-1)?.position };
        }
        stream = { state, revision: read.revision, position: read.events.at(-1)?.position };
        streamStates?.set(streamName, stream);
      }
      const { state } = stream;

      const events = decider.decide(run.command, state);
      if (events.length === 0) {
        done('no_op');
        return { events, state, position: stream.position };
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
        const after = { state: events.reduce(decider.evolve, state), revision: appended.nextRevision, position: appended.position };
        streamStates?.set(streamName, after);
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

type Cached<State> = CachedStream & { state: State };

/**
 * A command whose first run appended and then lost its reply (a crash, a timeout) finds its
 * own events by their derived ids and answers as the first run did, instead of deciding
 * again on a state that already contains them.
 */
function findEarlierRun<Event>(
  events: Array<RecordedEvent & { decoded: Event }>,
  context: CommandContext,
  streamName: string,
): Array<RecordedEvent & { decoded: Event }> | undefined {
  if (!context.idSeed || !context.lookForEarlierRun) return undefined;
  const firstId = deriveEventId(context.idSeed, streamName, 0);
  const start = events.findIndex((event) => event.id === firstId);
  if (start < 0) return undefined;
  const run: Array<RecordedEvent & { decoded: Event }> = [];
  for (let index = 0; events[start + index]?.id === deriveEventId(context.idSeed, streamName, index); index++) {
    run.push(events[start + index]!);
  }
  return run;
}

/** Full jitter, so writers that collided once do not collide again in lockstep. */
const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));

const metadataOf = (context: CommandContext) => ({
  correlationId: context.correlationId,
  causationId: context.causationId,
  ...(context.idempotencyKey === undefined ? {} : { idempotencyKey: context.idempotencyKey }),
});
