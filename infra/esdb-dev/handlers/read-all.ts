import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { streamsPb } from '../protocol/generated.ts';
import { uint64AsNumber } from '../protocol/request-fields.ts';
import { encodeReadEventResponse, type UuidForm } from '../protocol/wire-event.ts';
import type { EventLog } from '../store/event-log.ts';
import type { CallOutput } from './call-output.ts';
import type { AllFilter } from './event-filter.ts';
import { wireEventAt } from './link-resolution.ts';

type AllOptions = InstanceType<typeof streamsPb.ReadReq.Options.AllOptions>;
const { AllOptionCase } = streamsPb.ReadReq.Options.AllOptions;

/** Records a filtered scan may skip before it lets other calls run. */
export const SCAN_SLICE = 65_536;

export interface AllReadRequest {
  from: AllOptions;
  backwards: boolean;
  maxCount: number;
  resolveLinks: boolean;
  uuidForm: UuidForm;
  filter: AllFilter;
}

/**
 * readAll (protocol §7): forwards from a position inclusive, backwards from a position
 * exclusive; the default `$all` filter and any user filter apply, stream metadata does not.
 * The read is a snapshot of the committed head at its start.
 */
export async function readAll(log: EventLog, output: CallOutput<unknown>, request: AllReadRequest): Promise<void> {
  const nowMs = Date.now();
  const head = log.committedLength;
  const step = request.backwards ? -1 : 1;
  let logIndex = firstIndex(log, request.from, request.backwards, head);
  let sent = 0;
  let scanned = 0;
  while (sent < request.maxCount && logIndex >= 0 && logIndex < head) {
    const current = logIndex;
    logIndex += step;
    if (++scanned % SCAN_SLICE === 0) {
      await yieldToEventLoop();
      if (output.closed) return;
    }
    if (!request.filter.accepts(log, current)) continue;
    const message = encodeReadEventResponse(wireEventAt(log, current, request.resolveLinks, nowMs), request.uuidForm);
    sent++;
    const backPressure = output.send(message);
    if (backPressure) await backPressure;
    if (output.closed) return;
  }
  output.end();
}

function firstIndex(log: EventLog, from: AllOptions, backwards: boolean, head: number): number {
  switch (from.getAllOptionCase()) {
    case AllOptionCase.POSITION: {
      const position = uint64AsNumber(from.getPosition()?.getCommitPosition() ?? '0', 'commit position');
      const atOrAfter = log.firstIndexAfter(position, true);
      return backwards ? atOrAfter - 1 : atOrAfter;
    }
    case AllOptionCase.END:
      return backwards ? head - 1 : head;
    default:
      return backwards ? -1 : 0;
  }
}
