import type { StreamSnapshot } from '../store/stream-state.ts';

export type ExpectedRevision =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'exact'; revision: bigint };

export type WriteDecision =
  | { kind: 'write' }
  /** Every proposed id is already in the stream: succeed without writing (a retried append). */
  | { kind: 'idempotent'; lastLogIndex: number }
  | { kind: 'wrong_expected_version' }
  | { kind: 'stream_deleted' };

/** How the decision finds events already written, by id. */
export interface WrittenIds {
  /** Log index of the stream's event at `revision`, if it exists. */
  logIndexAtRevision(revision: number): number | undefined;
  idKeyAt(logIndex: number): string;
  /** Log index of a recently written event with this id, in any stream. */
  findRecent(idKey: string): number | undefined;
  streamNumberAt(logIndex: number): number;
}

/**
 * The expected-revision table of EventStoreDB's IndexWriter.CheckCommit (protocol §5).
 * `idKeys` are the proposed event ids; pass none for delete/tombstone, which never dedupe.
 */
export function decideWrite(
  stream: StreamSnapshot,
  expected: ExpectedRevision,
  idKeys: readonly string[],
  written: WrittenIds,
): WriteDecision {
  if (stream.tombstoned) return { kind: 'stream_deleted' };
  const last = stream.lastRevision;
  switch (expected.kind) {
    case 'any':
      return last < 0 ? { kind: 'write' } : dedupeRecent(stream, idKeys, written);
    case 'stream_exists':
      if (stream.softDeleted) return { kind: 'stream_deleted' };
      if (last < 0) return stream.hasMetadata ? { kind: 'write' } : { kind: 'wrong_expected_version' };
      return dedupeRecent(stream, idKeys, written);
    case 'no_stream':
      if (last < 0 || stream.softDeleted) return { kind: 'write' };
      return dedupeFrom(0, idKeys, written);
    case 'exact': {
      if (last < 0) return { kind: 'wrong_expected_version' };
      if (expected.revision === BigInt(last)) return { kind: 'write' };
      if (expected.revision > BigInt(last)) return { kind: 'wrong_expected_version' };
      return dedupeFrom(Number(expected.revision) + 1, idKeys, written);
    }
  }
}

/**
 * `no_stream` / exact revision below the current one: the proposed ids must be exactly the
 * stored events from `revision` on (a durable comparison). Anything else is a conflict.
 */
function dedupeFrom(revision: number, idKeys: readonly string[], written: WrittenIds): WriteDecision {
  if (idKeys.length === 0) return { kind: 'wrong_expected_version' };
  let logIndex: number | undefined;
  for (const [offset, idKey] of idKeys.entries()) {
    logIndex = written.logIndexAtRevision(revision + offset);
    if (logIndex === undefined || written.idKeyAt(logIndex) !== idKey) return { kind: 'wrong_expected_version' };
  }
  return { kind: 'idempotent', lastLogIndex: logIndex as number };
}

/**
 * `any` / `stream_exists`: only when the first id was recently written to this same stream is
 * the append a retry; then every id must have been, else it is a conflict. An unknown first
 * id is a normal append, so `[new, duplicate]` writes both, as on the real server.
 */
function dedupeRecent(stream: StreamSnapshot, idKeys: readonly string[], written: WrittenIds): WriteDecision {
  const streamNumber = stream.entry?.number;
  const inThisStream = (idKey: string) => {
    const logIndex = written.findRecent(idKey);
    return logIndex !== undefined && written.streamNumberAt(logIndex) === streamNumber ? logIndex : undefined;
  };
  const [firstId] = idKeys;
  if (firstId === undefined || inThisStream(firstId) === undefined) return { kind: 'write' };
  let lastLogIndex = -1;
  for (const idKey of idKeys) {
    const logIndex = inThisStream(idKey);
    if (logIndex === undefined) return { kind: 'wrong_expected_version' };
    lastLogIndex = logIndex;
  }
  return { kind: 'idempotent', lastLogIndex };
}
