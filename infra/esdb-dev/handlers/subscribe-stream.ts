import { randomUUID } from 'node:crypto';
import { streamDeleted } from '../protocol/errors.ts';
import { streamsPb } from '../protocol/generated.ts';
import { caughtUp, confirmation } from '../protocol/read-responses.ts';
import { uint64AsNumber } from '../protocol/request-fields.ts';
import { encodeReadEventResponse, type UuidForm } from '../protocol/wire-event.ts';
import type { EventLog } from '../store/event-log.ts';
import type { StreamEntry } from '../store/stream-index.ts';
import { isExpired, readWindow } from '../store/stream-state.ts';
import type { CallOutput } from './call-output.ts';
import { wireEventAt } from './link-resolution.ts';

type StreamOptions = InstanceType<typeof streamsPb.ReadReq.Options.StreamOptions>;
const { RevisionOptionCase } = streamsPb.ReadReq.Options.StreamOptions;

export interface StreamSubscriptionRequest {
  stream: string;
  from: StreamOptions;
  resolveLinks: boolean;
  uuidForm: UuidForm;
}

/**
 * subscribeToStream (protocol §8): like subscribeToAll, one cursor (a revision) that catches
 * up and then follows commits, so the switch to live cannot skip or repeat. Catch-up honours
 * the stream's metadata ($tb, $maxCount, $maxAge, soft delete); live delivery does not.
 * A tombstoned stream fails at once, without confirmation; tombstoned while subscribed, the
 * `$streamDeleted` record is delivered and then the call fails with stream-deleted.
 */
export async function subscribeToStream(log: EventLog, output: CallOutput<unknown>, request: StreamSubscriptionRequest): Promise<void> {
  const { stream: name, resolveLinks, uuidForm } = request;
  const readable = readWindow(log, name, Date.now());
  if (readable.kind === 'deleted') return output.fail(streamDeleted(name));

  let entry: StreamEntry | undefined = log.streams.find(name);
  const committedCount = () => entry?.countBelow(log.committedLength) ?? 0;
  let cursor = startRevision(request.from, committedCount());
  // Catch-up skips what the metadata hides: everything, for a soft-deleted stream.
  if (readable.kind === 'readable') cursor = Math.max(cursor, readable.first);
  else cursor = Math.max(cursor, committedCount());
  const createdCutoffMs = readable.kind === 'readable' ? readable.createdCutoffMs : undefined;
  let isCaughtUp = false;

  await output.send(confirmation(randomUUID()));
  while (!output.closed) {
    const nowMs = Date.now();
    entry ??= log.streams.find(name);
    const end = committedCount();
    while (entry && cursor < end && !output.closed) {
      const logIndex = entry.eventIndices[cursor++] as number;
      if (!isCaughtUp && isExpired(log, logIndex, createdCutoffMs)) continue;
      const backPressure = output.send(encodeReadEventResponse(wireEventAt(log, logIndex, resolveLinks, nowMs), uuidForm));
      if (backPressure) await backPressure;
      if (log.view(logIndex).isTombstone) return output.fail(streamDeleted(name));
    }
    if (output.closed) return;
    if (!isCaughtUp) {
      isCaughtUp = true;
      await output.send(caughtUp());
    }
    if (cursor >= committedCount()) await output.waitFor((wake) => log.onCommit(wake));
  }
}

/** Revision of the first event to deliver: a revision start is exclusive. */
function startRevision(from: StreamOptions, committedCount: number): number {
  switch (from.getRevisionOptionCase()) {
    case RevisionOptionCase.REVISION:
      return uint64AsNumber(from.getRevision(), 'revision') + 1;
    case RevisionOptionCase.END:
      return committedCount;
    default:
      return 0;
  }
}
