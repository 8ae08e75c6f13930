import { v5 as uuidv5 } from 'uuid';

/**
 * Who asked for a command and why: carried into every event's metadata and every log line,
 * so one flow can be followed from the HTTP request through the saga.
 */
export interface CommandContext {
  /** The HTTP request, or the first command of the flow. */
  correlationId: string;
  /** The request or event that directly caused this command. */
  causationId: string;
  /** The client's Idempotency-Key, when it sent one. */
  idempotencyKey?: string;
  /**
   * Makes event ids deterministic: the idempotency key (scoped to its route) or the id of the
   * causing event. A retried append after a lost reply then carries the same ids, which the
   * event store recognises, and a re-run command can find what its first run wrote.
   */
  idSeed?: string;
  /**
   * The command may already have run and lost its reply (an HTTP retry with the same
   * Idempotency-Key): read the stream afresh and answer with the events an earlier run left
   * there (found by their ids derived from `idSeed`) instead of deciding again. Reactions do not
   * set it: their handlers are idempotent at the aggregate level, and a hot stream must not be
   * read whole per request.
   */
  lookForEarlierRun?: boolean;
  /**
   * True once whoever asked is no longer there to hear the answer (an HTTP client that disconnected):
   * a command still waiting for its stream's turn is then not run.
   */
  abandoned?: () => boolean;
}

// Our own namespace for uuid v5, so derived ids never collide with another system's.
const EVENT_ID_NAMESPACE = 'b3f0b7d2-6f0e-4f4a-9d8e-5f3a1c2e7a10';

/** The id of the index-th event that a command seeded with `seed` appends to `streamName`. */
export const deriveEventId = (seed: string, streamName: string, index: number): string =>
  uuidv5(`${seed}\u0000${streamName}\u0000${index}`, EVENT_ID_NAMESPACE);

/** Ids a command mints itself (an order id) derive from the same seed when there is one. */
export const deriveId = (seed: string, purpose: string): string => uuidv5(`${seed}\u0000${purpose}`, EVENT_ID_NAMESPACE);
