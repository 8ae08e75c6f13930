import type { StoredEvent } from '../../domain/events.ts';
import type { RecordedEvent } from '../event-store/index.ts';
import type { Migration } from '../postgres/migrations.ts';

/** A stored event as a projection sees it: parsed through the domain union, with its place in the log. */
export interface ProjectedEvent extends Omit<RecordedEvent, 'type' | 'data'> {
  event: StoredEvent;
}

/** What is left of an event that does not parse: where it was written and its raw data. */
export type UnparsedEvent = Pick<RecordedEvent, 'streamName' | 'data'>;

/** One parameterised SQL statement; projections never build SQL by string concatenation of values. */
export interface SqlStatement {
  text: string;
  values: unknown[];
}

/** A row change to announce after commit (NOTIFY carries topic, key and position only). */
export interface Change {
  topic: string;
  key: string;
}

/**
 * A read model as a pure module: which events it handles, the key an event belongs to (the unit
 * of ordering and of parking), and the SQL that applies one event. The runner owns delivery:
 * subscription, batching, the checkpoint in the same transaction, fencing, NOTIFY, dead letters.
 * `apply` must be idempotent (upserts guarded by position), so a replayed event changes nothing.
 */
export interface Projection {
  name: string;
  /** Bumped when the SQL changes meaning: a rebuild is then needed. */
  version: number;
  handles: readonly StoredEvent['type'][];
  /**
   * Creates the projection's tables. Names are unqualified: the runner sets `search_path`, so a
   * rebuild can create the same tables in a fresh schema and swap it in.
   */
  migrations: readonly Migration[];
  key(event: ProjectedEvent): string;
  /**
   * The key of an event that does not parse (or cannot be keyed), from what is left of it. It must be
   * the key `key` gives once the event parses, so the event holds up its own key's later events rather
   * than parking apart from them (a retry would then come after them, and be skipped as old). Absent or
   * undefined: the stream name, the only key left.
   */
  unparsedKey?(raw: UnparsedEvent): string | undefined;
  /** How the projection reads an event (default: the domain union, once per event); throws to park it. */
  parse?(recorded: RecordedEvent): ProjectedEvent;
  apply(event: ProjectedEvent): { statements: SqlStatement[]; changes: Change[] };
}
