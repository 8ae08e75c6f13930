import type { EventLog } from './event-log.ts';
import { recordData } from './event-record.ts';
import type { StreamEntry } from './stream-index.ts';
import {
  isMetastream,
  isSoftDeleted,
  metastreamOf,
  parseStreamMetadata,
  streamOfMetastream,
  type StreamMetadata,
} from './stream-metadata.ts';

/** What a stream looks like when only log indices below `limit` are taken into account. */
export interface StreamSnapshot {
  name: string;
  entry: StreamEntry | undefined;
  eventCount: number;
  /** Revision of the last event, -1 when the stream has none. */
  lastRevision: number;
  tombstoned: boolean;
  /** True when `$$name` holds at least one event (a stream with only metadata "exists"). */
  hasMetadata: boolean;
  metadata: StreamMetadata;
  softDeleted: boolean;
}

/** Metastreams only ever show their latest event. */
const METASTREAM_METADATA: StreamMetadata = { maxCount: 1 };

/**
 * Writers pass `log.length` (they must see their own not-yet-committed writes), readers
 * pass `log.committedLength` (they must never see them).
 */
export function inspectStream(log: EventLog, name: string, limit: number): StreamSnapshot {
  const entry = log.streams.find(name);
  const eventCount = entry ? entry.countBelow(limit) : 0;
  const endsWithTombstone = (candidate: StreamEntry | undefined, count: number) =>
    candidate !== undefined && count > 0 && log.view(candidate.eventIndices[count - 1] as number).isTombstone;
  let tombstoned = endsWithTombstone(entry, eventCount);
  let metadata = METASTREAM_METADATA;
  let hasMetadata = false;
  if (isMetastream(name)) {
    const base = log.streams.find(streamOfMetastream(name));
    tombstoned ||= base !== undefined && endsWithTombstone(base, base.countBelow(limit));
  } else {
    const metaEntry = log.streams.find(metastreamOf(name));
    const latest = metaEntry ? latestIndexBelow(metaEntry, limit) : undefined;
    hasMetadata = latest !== undefined;
    metadata = metaEntry && latest !== undefined ? parsedMetadata(log, metaEntry, latest) : {};
  }
  return {
    name,
    entry,
    eventCount,
    lastRevision: eventCount - 1,
    tombstoned,
    hasMetadata,
    metadata,
    softDeleted: isSoftDeleted(metadata),
  };
}

/** The latest raw `$metadata` body of `name` as the writer sees it (for rewriting `$tb`). */
export function latestMetadataBody(log: EventLog, name: string): Buffer | undefined {
  const metaEntry = log.streams.find(metastreamOf(name));
  const latest = metaEntry ? latestIndexBelow(metaEntry, log.length) : undefined;
  return latest === undefined ? undefined : recordData(log.view(latest));
}

function latestIndexBelow(entry: StreamEntry, limit: number): number | undefined {
  const count = entry.countBelow(limit);
  return count > 0 ? entry.eventIndices[count - 1] : undefined;
}

function parsedMetadata(log: EventLog, metaEntry: StreamEntry, logIndex: number): StreamMetadata {
  if (metaEntry.parsedMetadata?.logIndex !== logIndex) {
    const view = log.view(logIndex);
    // A tombstone or any non-JSON record in a metastream carries no metadata.
    const metadata = view.isJson && !view.isTombstone ? parseStreamMetadata(recordData(view)) : {};
    metaEntry.parsedMetadata = { logIndex, metadata };
  }
  return metaEntry.parsedMetadata.metadata;
}

export type ReadWindow =
  | { kind: 'deleted' }
  | { kind: 'missing' }
  | {
      kind: 'readable';
      entry: StreamEntry;
      /** Readable revisions are `[first, end)`, after `$tb` and `$maxCount`. */
      first: number;
      end: number;
      /** Events created before this time (ms) are hidden by `$maxAge`. */
      createdCutoffMs: number | undefined;
    };

/** The committed, readable part of a stream after its metadata (§7, §11). */
export function readWindow(log: EventLog, name: string, nowMs: number): ReadWindow {
  const snapshot = inspectStream(log, name, log.committedLength);
  if (snapshot.tombstoned) return { kind: 'deleted' };
  if (!snapshot.entry || snapshot.eventCount === 0 || snapshot.softDeleted) return { kind: 'missing' };
  const { maxCount, maxAgeSeconds, truncateBefore } = snapshot.metadata;
  const end = snapshot.eventCount;
  const first = Math.min(end, Math.max(truncateBefore ?? 0, maxCount === undefined ? 0 : end - maxCount));
  return {
    kind: 'readable',
    entry: snapshot.entry,
    first,
    end,
    createdCutoffMs: maxAgeSeconds === undefined ? undefined : nowMs - maxAgeSeconds * 1000,
  };
}

export const isExpired = (log: EventLog, logIndex: number, createdCutoffMs: number | undefined) =>
  createdCutoffMs !== undefined && log.view(logIndex).createdMs < createdCutoffMs;
