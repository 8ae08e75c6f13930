import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { formatPosition, parsePosition } from '../../infra/event-store/index.ts';
import type { CheckpointWatcher } from './checkpoint-watcher.ts';

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

/**
 * The position a reader asked to see: `ES-Min-Position` or `?minPosition=` (the later of the two when both
 * are sent). The route schemas have validated both already.
 */
export function minPositionOf(request: FastifyRequest): bigint | undefined {
  const header = request.headers['es-min-position'];
  const query = (request.query as { minPosition?: string } | undefined)?.minPosition;
  const positions = [typeof header === 'string' ? header : undefined, query]
    .filter((text): text is string => text !== undefined)
    .map((text) => parsePosition(text))
    .filter((position): position is bigint => position !== undefined);
  return positions.length === 0 ? undefined : positions.reduce((a, b) => (a > b ? a : b));
}

/**
 * Read-your-writes (DESIGN §6): a preHandler per read model that holds a GET until that read model's
 * projection has considered the position the client names, woken by the projection's commit.
 */
export function readYourWrites(watcher: CheckpointWatcher, timeoutMs: number) {
  return (readModel: string): preHandlerAsyncHookHandler =>
    async (request) => {
      const minPosition = minPositionOf(request);
      if (minPosition === undefined) return;
      const outcome = await watcher.waitFor(readModel, minPosition, timeoutMs);
      if (!outcome.reached) throw new ReadModelBehindError(readModel, minPosition, outcome.checkpoint, timeoutMs);
    };
}

export type ReadYourWrites = ReturnType<typeof readYourWrites>;
