import { allEvents } from '../../domain/events.ts';
import type { RecordedEvent } from '../event-store/index.ts';
import type { ProjectedEvent } from './projection-contract.ts';

/** A recorded event as stored in dead_letters.event: JSON text (bigints as decimal strings), secrets redacted. */
export interface StoredRecordedEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  streamName: string;
  revision: string;
  position: string;
  createdAt: string;
  /** Where a secret was replaced by `[redacted]` (e.g. `data.payment.token`): only the event store has it. */
  redacted?: string[];
}

/** The copy to store, and the secret values left out of it (to leave out of the error stored beside it too). */
export function storedCopyOf(event: RecordedEvent): { stored: StoredRecordedEvent; secrets: string[] } {
  const found: Secret[] = [];
  const data = withoutSecrets(event.data, 'data', found);
  const metadata = withoutSecrets(event.metadata, 'metadata', found) as Record<string, unknown>;
  const stored: StoredRecordedEvent = {
    ...event,
    data,
    metadata,
    revision: event.revision.toString(10),
    position: event.position.toString(10),
    createdAt: event.createdAt.toISOString(),
    ...(found.length > 0 ? { redacted: found.map((secret) => secret.path) } : {}),
  };
  return { stored, secrets: found.map((secret) => secret.value).filter((value) => value !== '') };
}

export const fromStoredRecordedEvent = ({ redacted: _redacted, ...stored }: StoredRecordedEvent): RecordedEvent => ({
  ...stored,
  revision: BigInt(stored.revision),
  position: BigInt(stored.position),
  createdAt: new Date(stored.createdAt),
});

/** The copy read back from dead_letters.event (JSON text). */
export const readStoredRecordedEvent = (text: string): StoredRecordedEvent => JSON.parse(text) as StoredRecordedEvent;

interface Secret {
  path: string;
  value: string;
}

/**
 * Payment tokens (`payment.token` in an order, `token` in the saga's payment requests) are secrets: the
 * logger redacts them, and copies of events outside the event store (dead letters) leave them out too.
 * Every field named `token`, at any depth, is replaced; `found` collects where, and what it held.
 */
function withoutSecrets(value: unknown, path: string, found: Secret[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => withoutSecrets(item, `${path}.${index}`, found));
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (name === 'token' && field !== undefined) {
      copy[name] = '[redacted]';
      found.push({ path: `${path}.${name}`, value: typeof field === 'string' ? field : JSON.stringify(field) });
    } else copy[name] = withoutSecrets(field, `${path}.${name}`, found);
  }
  return copy;
}

/** Parses through the domain union; throws (a poison event, to park) when the data does not fit. */
export function toProjectedEvent(recorded: RecordedEvent): ProjectedEvent {
  const event = allEvents.parse({ type: recorded.type, data: recorded.data });
  const { type: _type, data: _data, ...place } = recorded;
  return { ...place, event };
}

type Parsed = { projected: ProjectedEvent } | { error: unknown };

/**
 * The shared tail hands one RecordedEvent object to every group of the process: its parse is kept with
 * it (weakly: it goes when the event does), so the zod union runs once per event, not once per group.
 * The result is shared, so it is frozen: a consumer that changed it would change it for the others.
 * A parse failure is kept too, and rethrown to each caller (each parks the event as before).
 */
const parsedOnce = new WeakMap<RecordedEvent, Parsed>();

export function parseOnce(recorded: RecordedEvent): ProjectedEvent {
  let parsed = parsedOnce.get(recorded);
  if (parsed === undefined) {
    try {
      parsed = { projected: deepFreeze(toProjectedEvent(recorded)) };
    } catch (error) {
      parsed = { error };
    }
    parsedOnce.set(recorded, parsed);
  }
  if ('error' in parsed) throw parsed.error;
  return parsed.projected;
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
