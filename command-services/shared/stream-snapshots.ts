import { z } from 'zod';
import { formatPosition, parsePosition, type EventStore } from '../../infra/event-store/index.ts';
import { deriveEventId } from './command-context.ts';
import { SNAPSHOT_EVENT_TYPE, SNAPSHOTS_KEPT, snapshotStreamOf, type SnapshotPolicy } from './snapshot-policy.ts';

/** The state of a stream after its event at `revision`, whose `$all` position is `position`. */
export interface Snapshot<State> {
  state: State;
  revision: bigint;
  position: bigint;
}

// Revisions and positions are uint64: decimal strings in JSON, like positions on the wire.
const uint64 = z.string().refine((text) => parsePosition(text) !== undefined, 'must be a uint64 decimal string');
const snapshotData = z.object({ revision: uint64, position: uint64, state: z.unknown() });

/**
 * The latest snapshot of `streamName`, or undefined when there is none or it does not decode (a
 * snapshot of another shape, or of a state this version no longer folds to): the caller then reads
 * the stream whole. A store that does not answer is an error like any read's.
 */
export async function readLatestSnapshot<State>(
  eventStore: EventStore,
  streamName: string,
  policy: SnapshotPolicy<State>,
): Promise<Snapshot<State> | undefined> {
  const stored = await eventStore.readLastEvent(snapshotStreamOf(streamName));
  if (stored?.type !== SNAPSHOT_EVENT_TYPE) return undefined;
  try {
    const data = snapshotData.parse(stored.data);
    return { state: policy.decode(data.state), revision: BigInt(data.revision), position: BigInt(data.position) };
  } catch {
    return undefined;
  }
}

/**
 * Writes a snapshot of `snapshot.state` after the command has answered (the next turn of the event
 * loop), so it never delays an answer. Best effort: a failure only means a longer load later, so it is
 * dropped (never an unhandled rejection). The id derives from the stream and revision, so two writers
 * snapshotting the same revision append it once. The first snapshot of a stream also tells the store
 * to keep only the newest few.
 */
export function writeSnapshotSoon<State>(
  eventStore: EventStore,
  streamName: string,
  policy: SnapshotPolicy<State>,
  snapshot: Snapshot<State>,
  metadata: Record<string, unknown>,
): void {
  setImmediate(() => {
    writeSnapshot(eventStore, streamName, policy, snapshot, metadata).catch(() => undefined);
  });
}

async function writeSnapshot<State>(
  eventStore: EventStore,
  streamName: string,
  policy: SnapshotPolicy<State>,
  { state, revision, position }: Snapshot<State>,
  metadata: Record<string, unknown>,
): Promise<void> {
  const snapshotStream = snapshotStreamOf(streamName);
  const data = { revision: revision.toString(10), position: formatPosition(position), state: policy.encode(state) };
  const id = deriveEventId(`snapshot at ${revision.toString(10)}`, snapshotStream, 0);
  const appended = await eventStore.append(snapshotStream, [{ id, type: SNAPSHOT_EVENT_TYPE, data, metadata }], 'any');
  if (appended.nextRevision === 0n) await eventStore.setStreamMaxCount(snapshotStream, SNAPSHOTS_KEPT);
}
