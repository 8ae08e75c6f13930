import type { FastifyBaseLogger, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { formatPosition, parsePosition } from '../../infra/event-store/index.ts';
import type { CheckpointWatcher } from './checkpoint-watcher.ts';
import { PositionAheadOfStoreError } from './position-ahead-of-store.ts';

/** The read model did not consider the asked position within the bound: 504, naming how far it got. */
export class ReadModelBehindError extends Error {
  constructor(
    readonly readModel: string,
    readonly minPosition: bigint,
    readonly checkpoint: bigint | undefined,
    readonly waitedMs: number,
  ) {
    const reached = checkpoint === undefined ? 'has considered no event yet' : `has considered $all up to ${formatPosition(checkpoint)}`;
    super(
      `The ${readModel} read model ${reached}, not yet ${formatPosition(minPosition)} (waited ${waitedMs} ms); retry later.`,
    );
    this.name = 'ReadModelBehindError';
  }
}

/** A position a reader asked to see, and where it was sent (the path named by a 400). */
export interface AskedPosition {
  position: bigint;
  field: 'headers.es-min-position' | 'querystring.minPosition';
}

/**
 * The position a reader asked to see: `ES-Min-Position` or `?minPosition=` (the later of the two when both
 * are sent). The route schemas have validated both already.
 */
export function minPositionOf(request: FastifyRequest): AskedPosition | undefined {
  const header = request.headers['es-min-position'];
  const query = (request.query as { minPosition?: string } | undefined)?.minPosition;
  const asked = [
    { text: typeof header === 'string' ? header : undefined, field: 'headers.es-min-position' as const },
    { text: query, field: 'querystring.minPosition' as const },
  ].flatMap(({ text, field }) => {
    const position = text === undefined ? undefined : parsePosition(text);
    return position === undefined ? [] : [{ position, field }];
  });
  return asked.length === 0 ? undefined : asked.reduce((a, b) => (a.position >= b.position ? a : b));
}

export interface ReadYourWritesOptions {
  watcher: CheckpointWatcher;
  /** Longest a GET waits before answering 504. */
  timeoutMs: number;
  /** The event store's last position, read fresh: a position beyond it is refused instead of awaited. */
  headPosition: () => Promise<bigint>;
}

/**
 * Read-your-writes (DESIGN §6): a preHandler per read model that holds a GET until that read model's
 * projection has considered the position the client names, woken by the projection's commit.
 */
export function readYourWrites({ watcher, timeoutMs, headPosition }: ReadYourWritesOptions) {
  return (readModel: string): preHandlerAsyncHookHandler =>
    async (request) => {
      const asked = minPositionOf(request);
      if (asked === undefined) return;
      if (watcher.hasConsidered(readModel, asked.position)) return;
      // Only a reader about to wait costs a read of the head, read fresh (a position the client was just
      // answered is always at or below it) and while waiting, so that a head slow to come never adds to
      // the bound: an answer that the position is beyond it ends the wait at once (the watcher forgets the
      // abandoned wait at its own bound).
      const ahead = beyondHead(asked, headPosition, request.log).then((error) => error ?? never);
      const outcome = await Promise.race([watcher.waitFor(readModel, asked.position, timeoutMs), ahead]);
      if (outcome instanceof PositionAheadOfStoreError) throw outcome;
      if (!outcome.reached) throw new ReadModelBehindError(readModel, asked.position, outcome.checkpoint, timeoutMs);
    };
}

/**
 * The error when the position is beyond the store's head. The query side serves from PostgreSQL alone:
 * with the event store not answering, the reader waits as it did before this check, within the same bound.
 */
async function beyondHead(
  asked: AskedPosition,
  headPosition: () => Promise<bigint>,
  log: FastifyBaseLogger,
): Promise<PositionAheadOfStoreError | undefined> {
  let head: bigint;
  try {
    head = await headPosition();
  } catch (error) {
    log.debug({ err: error }, 'could not read the event store head; waiting without checking the position');
    return undefined;
  }
  return asked.position > head ? new PositionAheadOfStoreError(asked.field, asked.position, head) : undefined;
}

/** A promise that never settles: the side of a race that must not win. */
const never = new Promise<never>(() => undefined);

export type ReadYourWrites = ReturnType<typeof readYourWrites>;
