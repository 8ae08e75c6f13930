import { randomUuidBytes } from '../protocol/uuid.ts';
import type { EventLog, NewRecord } from '../store/event-log.ts';
import { recordIdKey } from '../store/event-record.ts';
import {
  SOFT_DELETED_TRUNCATE_BEFORE,
  isMetastream,
  isSoftDeleted,
  metastreamOf,
  parseStreamMetadata,
  streamOfMetastream,
  withTruncateBefore,
} from '../store/stream-metadata.ts';
import { inspectStream, latestMetadataBody, type StreamSnapshot } from '../store/stream-state.ts';
import { decideWrite, type WriteDecision, type WrittenIds } from './expected-revision.ts';
import type { ProposedEvent, WriteOutcome, WriteRequest } from './write-request.ts';

const EMPTY = new Uint8Array(0);
const SOFT_DELETE_BODY = Buffer.from(`{"$tb":${SOFT_DELETED_TRUNCATE_BEFORE}}`, 'utf8');

/**
 * Decides one write against everything written so far (committed or not) and appends its
 * records to the log. Callers serialize writes, so decisions and appends never interleave.
 */
export function applyWrite(log: EventLog, request: WriteRequest, nowMs: number): WriteOutcome {
  const stream = inspectStream(log, request.stream, log.length);
  const written = writtenIdsOf(log, stream);
  switch (request.kind) {
    case 'append': {
      const idKeys = request.events.map((event) => event.id.toString('latin1'));
      const decision = decideWrite(stream, request.expected, idKeys, written);
      if (decision.kind !== 'write') return refusal(log, stream, decision);
      return appendEvents(log, stream, request.events, nowMs);
    }
    case 'delete': {
      // A soft delete needs something to delete: events, or at least metadata.
      if (!stream.tombstoned && stream.lastRevision < 0 && !stream.hasMetadata) {
        return { kind: 'wrong_expected_version', currentRevision: -1 };
      }
      const decision = decideWrite(stream, request.expected, [], written);
      if (decision.kind !== 'write') return refusal(log, stream, decision);
      // Soft delete replaces the metadata: ACLs, $maxCount and custom keys are not carried over.
      const logIndex = log.append(systemEvent(metastreamOf(request.stream), '$metadata', SOFT_DELETE_BODY, nowMs));
      return { kind: 'success', revision: stream.lastRevision, position: log.positionAt(logIndex) };
    }
    case 'tombstone': {
      const decision = decideWrite(stream, request.expected, [], written);
      if (decision.kind !== 'write') return refusal(log, stream, decision);
      const tombstone = { ...systemEvent(request.stream, '$streamDeleted', EMPTY, nowMs), isJson: false, isTombstone: true };
      const logIndex = log.append(tombstone);
      return { kind: 'success', revision: stream.lastRevision, position: log.positionAt(logIndex) };
    }
  }
}

function appendEvents(log: EventLog, stream: StreamSnapshot, events: ProposedEvent[], nowMs: number): WriteOutcome {
  const undelete = pendingUndelete(log, stream);
  let lastLogIndex: number | undefined;
  for (const event of events) {
    lastLogIndex = log.append({ ...event, streamName: stream.name, createdMs: nowMs, isTombstone: false });
  }
  if (lastLogIndex === undefined) {
    // Nothing to write: report the stream as it is and the head of the log.
    return { kind: 'success', revision: stream.lastRevision, position: log.length > 0 ? log.positionAt(log.length - 1) : 0 };
  }
  if (undelete) {
    const latestBody = latestMetadataBody(log, undelete.baseName);
    // New metadata that itself soft-deletes the stream keeps it deleted.
    const stillDeleted = isMetastream(stream.name) && latestBody !== undefined && isSoftDeleted(parseStreamMetadata(latestBody));
    if (!stillDeleted) {
      const body = withTruncateBefore(latestBody, undelete.truncateBefore);
      log.append(systemEvent(metastreamOf(undelete.baseName), '$metadata', body, nowMs));
    }
  }
  return { kind: 'success', revision: stream.lastRevision + events.length, position: log.positionAt(lastLogIndex) };
}

/**
 * Writing to a soft-deleted stream, or to its metastream, brings it back (protocol §9): the
 * metadata then gets `$tb` = the first new revision, so the old events stay hidden while new
 * ones continue the numbering. Decided before the write, from the stream as it was.
 */
function pendingUndelete(log: EventLog, written: StreamSnapshot) {
  const base = isMetastream(written.name) ? inspectStream(log, streamOfMetastream(written.name), log.length) : written;
  return base.softDeleted ? { baseName: base.name, truncateBefore: base.lastRevision + 1 } : undefined;
}

function refusal(log: EventLog, stream: StreamSnapshot, decision: Exclude<WriteDecision, { kind: 'write' }>): WriteOutcome {
  switch (decision.kind) {
    case 'stream_deleted':
      return { kind: 'stream_deleted' };
    case 'wrong_expected_version':
      return { kind: 'wrong_expected_version', currentRevision: stream.lastRevision };
    case 'idempotent': {
      // Report the retried events where they already are, as the first attempt did.
      const view = log.view(decision.lastLogIndex);
      return { kind: 'success', revision: view.revision, position: view.position };
    }
  }
}

function systemEvent(streamName: string, type: string, data: Uint8Array, nowMs: number): NewRecord {
  return { streamName, type, data, metadata: EMPTY, id: randomUuidBytes(), isJson: true, isTombstone: false, createdMs: nowMs };
}

function writtenIdsOf(log: EventLog, stream: StreamSnapshot): WrittenIds {
  return {
    logIndexAtRevision: (revision) => (revision < stream.eventCount ? stream.entry?.eventIndices[revision] : undefined),
    idKeyAt: (logIndex) => recordIdKey(log.view(logIndex)),
    findRecent: (idKey) => log.recentIds.find(idKey),
    streamNumberAt: (logIndex) => log.streamAt(logIndex).number,
  };
}
