import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';

/** What every part of the system sees of a stored event: plain data, bigint revision and position. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata: Record<string, unknown>;
  streamName: string;
  revision: bigint;
  /** Commit position in `$all` (commit == prepare on current servers). */
  position: bigint;
  createdAt: Date;
}

/** An event to append: the id is chosen by the caller so retries are deduplicated by the store. */
export interface NewEvent {
  id: string;
  type: string;
  data: unknown;
  metadata?: Record<string, unknown>;
}

const asMetadata = (metadata: unknown): Record<string, unknown> =>
  metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) && !(metadata instanceof Uint8Array)
    ? (metadata as Record<string, unknown>)
    : {};

/** Converts what the client hands out; undefined for link-only records whose target is gone. */
export function fromResolvedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: asMetadata(event.metadata),
    streamName: event.streamId,
    revision: event.revision,
    position: event.position?.commit ?? resolved.commitPosition ?? -1n,
    createdAt: event.created,
  };
}
