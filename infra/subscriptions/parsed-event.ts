import { allEvents } from '../../domain/events.ts';
import type { RecordedEvent } from '../event-store/index.ts';
import type { ProjectedEvent } from '../../projections/projection.ts';

/** A recorded event as stored in dead_letters.event: JSON-safe (bigints as decimal strings). */
export interface StoredRecordedEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  streamName: string;
  revision: string;
  position: string;
  createdAt: string;
}

export const toStoredRecordedEvent = (event: RecordedEvent): StoredRecordedEvent => ({
  ...event,
  revision: event.revision.toString(10),
  position: event.position.toString(10),
  createdAt: event.createdAt.toISOString(),
});

export const fromStoredRecordedEvent = (stored: StoredRecordedEvent): RecordedEvent => ({
  ...stored,
  revision: BigInt(stored.revision),
  position: BigInt(stored.position),
  createdAt: new Date(stored.createdAt),
});

/** Parses through the domain union; throws (a poison event, to park) when the data does not fit. */
export function toProjectedEvent(recorded: RecordedEvent): ProjectedEvent {
  const event = allEvents.parse({ type: recorded.type, data: recorded.data });
  const { type: _type, data: _data, ...place } = recorded;
  return { ...place, event };
}
