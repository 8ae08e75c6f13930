import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { streamsPb } from '../protocol/generated.ts';
import { caughtUp, checkpoint, confirmation } from '../protocol/read-responses.ts';
import { uint64AsNumber } from '../protocol/request-fields.ts';
import { encodeReadEventResponse, type UuidForm } from '../protocol/wire-event.ts';
import type { EventLog } from '../store/event-log.ts';
import type { CallOutput } from './call-output.ts';
import type { AllFilter } from './event-filter.ts';
import { wireEventAt } from './link-resolution.ts';
import { SCAN_SLICE } from './read-all.ts';

type AllOptions = InstanceType<typeof streamsPb.ReadReq.Options.AllOptions>;
const { AllOptionCase } = streamsPb.ReadReq.Options.AllOptions;

export interface AllSubscriptionRequest {
  from: AllOptions;
  resolveLinks: boolean;
  uuidForm: UuidForm;
  filter: AllFilter;
}

/**
 * subscribeToAll (protocol §8): confirmation, catch-up after the start position (exclusive),
 * caught_up, then live events.
 *
 * Catch-up and live are one loop over a cursor into the committed log: send from the cursor
 * to the head, then sleep until the next commit. Nothing is copied into a live buffer, so the
 * switch to live can neither skip nor repeat an event, and a slow client only holds back its
 * own cursor (back-pressure), never the writers.
 *
 * Filtered subscriptions also get checkpoints: one every `checkpointInterval` records
 * considered (matching or not), and one when catch-up ends, just before caught_up.
 */
export async function subscribeToAll(log: EventLog, output: CallOutput<unknown>, request: AllSubscriptionRequest): Promise<void> {
  const { filter, resolveLinks, uuidForm } = request;
  const interval = filter.checkpointInterval;
  const start = startOf(log, request.from);
  let cursor = start.index;
  /** Never send a checkpoint behind where the client already is, nor the same one twice. */
  let floor = start.position;
  let lastCheckpoint: number | undefined;
  let consideredSinceCheckpoint = 0;
  let isCaughtUp = false;

  /** Returns a promise only when the client applies back-pressure: no await per event otherwise. */
  const checkpointAt = (position: number) => {
    if (position < floor || position === lastCheckpoint) return undefined;
    floor = position;
    lastCheckpoint = position;
    consideredSinceCheckpoint = 0;
    return output.send(checkpoint(position));
  };

  await output.send(confirmation(randomUUID()));
  while (!output.closed) {
    const head = log.committedLength;
    const nowMs = Date.now();
    while (cursor < head && !output.closed) {
      const logIndex = cursor++;
      let backPressure: Promise<void> | undefined;
      if (filter.accepts(log, logIndex)) {
        backPressure = output.send(encodeReadEventResponse(wireEventAt(log, logIndex, resolveLinks, nowMs), uuidForm));
        floor = log.positionAt(logIndex);
      }
      if (interval !== undefined && ++consideredSinceCheckpoint >= interval) {
        backPressure = checkpointAt(log.positionAt(logIndex)) ?? backPressure;
      }
      if (backPressure) await backPressure;
      if (cursor % SCAN_SLICE === 0) await yieldToEventLoop();
    }
    if (output.closed) return;
    if (!isCaughtUp) {
      isCaughtUp = true;
      if (interval !== undefined && head > 0) await checkpointAt(log.positionAt(head - 1));
      consideredSinceCheckpoint = 0;
      await output.send(caughtUp());
    }
    if (cursor >= log.committedLength) await output.waitFor((wake) => log.onCommit(wake));
  }
}

/** The first record to deliver (positions are exclusive starts) and the position already behind the client. */
function startOf(log: EventLog, from: AllOptions): { index: number; position: number } {
  switch (from.getAllOptionCase()) {
    case AllOptionCase.POSITION: {
      const position = uint64AsNumber(from.getPosition()?.getCommitPosition() ?? '0', 'commit position');
      return { index: log.firstIndexAfter(position, false), position };
    }
    case AllOptionCase.END: {
      const index = log.committedLength;
      return { index, position: index > 0 ? log.positionAt(index - 1) : 0 };
    }
    default:
      return { index: 0, position: 0 };
  }
}
