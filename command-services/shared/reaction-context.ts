import { eventMetadata } from '../../domain/shared/index.ts';
import { deriveId, type CommandContext } from './command-context.ts';

/** What a reaction knows of the event it reacts to. */
interface CausingEvent {
  id: string;
  metadata: Record<string, unknown>;
}

/**
 * The context of a command a reaction runs because of `event`: the same flow (its correlationId, or the
 * event itself when it carries none), caused by the event, with the flow's Idempotency-Key kept.
 * Event ids derive from the event's id, so a redelivered event appends with the same ids. No look for an
 * earlier run: reactions are idempotent at the aggregate level (DESIGN §3).
 *
 * `purpose` is for a reaction that runs more than one command on one stream per event: each needs its
 * own seed, or the second append would carry the first one's ids.
 */
export function reactionContext(event: CausingEvent, purpose?: string): CommandContext {
  const correlationId = eventMetadata.shape.correlationId.safeParse(event.metadata.correlationId);
  const idempotencyKey = eventMetadata.shape.idempotencyKey.safeParse(event.metadata.idempotencyKey);
  return {
    correlationId: correlationId.success ? correlationId.data : event.id,
    causationId: event.id,
    ...(idempotencyKey.success && idempotencyKey.data !== undefined ? { idempotencyKey: idempotencyKey.data } : {}),
    idSeed: purpose === undefined ? event.id : deriveId(event.id, purpose),
  };
}
