import { streamDeleted } from '../protocol/errors.ts';
import { streamsPb } from '../protocol/generated.ts';
import { streamNotFound } from '../protocol/read-responses.ts';
import { uint64AsNumber } from '../protocol/request-fields.ts';
import { encodeReadEventResponse, type UuidForm } from '../protocol/wire-event.ts';
import type { EventLog } from '../store/event-log.ts';
import { isExpired, readWindow } from '../store/stream-state.ts';
import type { CallOutput } from './call-output.ts';
import { wireEventAt } from './link-resolution.ts';

type StreamOptions = InstanceType<typeof streamsPb.ReadReq.Options.StreamOptions>;
const { RevisionOptionCase } = streamsPb.ReadReq.Options.StreamOptions;

export interface StreamReadRequest {
  stream: string;
  from: StreamOptions;
  backwards: boolean;
  maxCount: number;
  resolveLinks: boolean;
  uuidForm: UuidForm;
}

/**
 * readStream (protocol §7): revisions from the start point inclusive, within the window the
 * stream's metadata leaves readable. A stream that does not exist answers with one in-band
 * `stream_not_found` message and status OK; a tombstoned one fails with stream-deleted.
 * The read is a snapshot of the committed head at its start.
 */
export async function readStream(log: EventLog, output: CallOutput<unknown>, request: StreamReadRequest): Promise<void> {
  const nowMs = Date.now();
  const stream = readWindow(log, request.stream, nowMs);
  if (stream.kind === 'deleted') return output.fail(streamDeleted(request.stream));
  if (stream.kind === 'missing') {
    await output.send(streamNotFound(request.stream));
    return output.end();
  }
  const { first, end, entry, createdCutoffMs } = stream;
  const requested = startRevision(request.from, request.backwards, end);
  const step = request.backwards ? -1 : 1;
  let revision = request.backwards ? Math.min(requested, end - 1) : Math.max(requested, first);
  let sent = 0;
  while (sent < request.maxCount && revision >= first && revision < end) {
    const logIndex = entry.eventIndices[revision] as number;
    revision += step;
    if (isExpired(log, logIndex, createdCutoffMs)) continue;
    const message = encodeReadEventResponse(wireEventAt(log, logIndex, request.resolveLinks, nowMs), request.uuidForm);
    sent++;
    const backPressure = output.send(message);
    if (backPressure) await backPressure;
    if (output.closed) return;
  }
  output.end();
}

function startRevision(from: StreamOptions, backwards: boolean, end: number): number {
  switch (from.getRevisionOptionCase()) {
    case RevisionOptionCase.REVISION:
      return uint64AsNumber(from.getRevision(), 'revision');
    case RevisionOptionCase.END:
      // Forwards from the end reads nothing (the real server errors; nothing is harmless).
      return backwards ? end - 1 : end;
    default:
      return 0;
  }
}
