/**
 * How a long stream keeps its loads short: every `every` events, the folded state is written to a
 * stream of its own, and a load reads the latest snapshot and only the events after it.
 *
 * A snapshot is a cache kept in the event store, never a source of truth: it is written after the
 * events it sums up, decoded with the current code (a snapshot that does not decode is ignored, and
 * the stream is read whole), and losing any or all of them changes nothing but load times.
 */
export interface SnapshotPolicy<State> {
  /** A snapshot each time the stream reaches a multiple of this many events, or a load reads that many. */
  every: number;
  /** The state as plain JSON (no bigint, no Map). */
  encode(state: State): unknown;
  /** The state back from what `encode` wrote; throws when `data` is not one (the snapshot is then ignored). */
  decode(data: unknown): State;
}

/**
 * Snapshots of `inventory-MUG-1` live in `snapshot-inventory-MUG-1`: the category `snapshot` is no
 * aggregate's, so no id can collide, and category subscriptions (`inventory-…`) never see them.
 */
export const snapshotStreamOf = (streamName: string): string => `snapshot-${streamName}`;

/** The type of every snapshot event: not a domain event, and in no stored-event union. */
export const SNAPSHOT_EVENT_TYPE = 'Snapshot';

/** Snapshots older than the newest few are of no use: the store may drop them (`$maxCount`). */
export const SNAPSHOTS_KEPT = 3;

/** True when growing from `before` to `after` (revisions) passes a multiple of `every` events. */
export function crossesSnapshotPoint(before: bigint | 'no_stream', after: bigint, every: number): boolean {
  const eventsBefore = before === 'no_stream' ? 0n : before + 1n;
  const step = BigInt(every);
  return (after + 1n) / step > eventsBefore / step;
}
