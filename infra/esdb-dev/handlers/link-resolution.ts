import type { WireEvent } from '../protocol/wire-event.ts';
import type { EventLog } from '../store/event-log.ts';
import { recordData } from '../store/event-record.ts';
import { isExpired, readWindow } from '../store/stream-state.ts';

const LINK_TYPE = '$>';
const LINK_DATA = /^(\d+)@(.+)$/s;

/**
 * The event to send for log record `logIndex`. With `resolveLinks`, a `$>` record whose data
 * reads `<revision>@<stream>` is sent as the target event plus the link; a target that cannot
 * be read (missing, deleted, truncated, expired) leaves only the link. The position is
 * always the record's own (the link's), which is what `$all` readers resume from.
 */
export function wireEventAt(log: EventLog, logIndex: number, resolveLinks: boolean, nowMs: number): WireEvent {
  const view = log.view(logIndex);
  const plain = { event: view, link: undefined, commitPosition: view.position };
  if (!resolveLinks || log.typeNumberAt(logIndex) !== log.typeNumberOf(LINK_TYPE)) return plain;
  const match = LINK_DATA.exec(recordData(view).toString('utf8'));
  if (!match) return plain;
  const revision = Number(match[1]);
  const target = readWindow(log, match[2] as string, nowMs);
  const targetIndex =
    target.kind === 'readable' && revision >= target.first && revision < target.end
      ? (target.entry.eventIndices[revision] as number)
      : undefined;
  const readable = targetIndex !== undefined && !isExpired(log, targetIndex, target.kind === 'readable' ? target.createdCutoffMs : undefined);
  return { event: readable ? log.view(targetIndex) : undefined, link: view, commitPosition: view.position };
}
