import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { MAX_APPEND_SIZE, ProtocolError } from '../protocol/errors.ts';
import { sharedPb, type BatchAppendReq, type BatchAppendResp } from '../protocol/generated.ts';
import {
  batchBadRequest,
  batchMaximumAppendSizeExceeded,
  batchStreamDeleted,
  batchSuccess,
  batchTimeout,
  batchUnavailable,
  batchUnknown,
  batchWrongExpectedVersion,
  type BatchAppendAddress,
} from '../protocol/batch-append-responses.ts';
import { expectedRevisionOf, proposedEventOf, proposedEventSize, streamNameOf } from '../protocol/request-fields.ts';
import type { ExpectedRevision } from '../write/expected-revision.ts';
import { WritesUnavailableError, type WriteQueue } from '../write/write-queue.ts';
import type { ProposedEvent } from '../write/write-request.ts';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** One append being assembled from its chunks. */
interface PendingAppend {
  address: BatchAppendAddress;
  stream: string;
  expected: ExpectedRevision;
  events: ProposedEvent[];
  size: number;
  deadlineTimer: NodeJS.Timeout | undefined;
}

/**
 * Streams.BatchAppend (protocol §6): one long-lived bidi call per client channel, carrying
 * every concurrent append as chunks keyed by correlation id.
 *
 * Guarantee: exactly one reply per correlation id (the client crashes on a second one). An
 * append answered early (deadline passed, too large, malformed) is remembered as `settled`
 * so its remaining chunks are dropped silently. The call ends only after the client
 * half-closes and every accepted append has been answered.
 */
export function batchAppend(writes: WriteQueue, logger: Logger, call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
  const pending = new Map<string, PendingAppend>();
  const settled = new Set<string>();
  let writesInFlight = 0;
  let clientDone = false;

  const send = (response: BatchAppendResp) => {
    if (!call.cancelled && !call.writableEnded) call.write(response);
  };
  const endIfIdle = () => {
    if (clientDone && writesInFlight === 0 && !call.cancelled && !call.writableEnded) call.end();
  };
  /** Answers an append before its final chunk, and drops whatever else arrives for it. */
  const settleEarly = (key: string, response: BatchAppendResp, isFinal: boolean) => {
    const append = pending.get(key);
    clearTimeout(append?.deadlineTimer);
    pending.delete(key);
    if (!isFinal) settled.add(key);
    send(response);
  };

  const start = (key: string, request: BatchAppendReq): PendingAppend | undefined => {
    const options = request.getOptions();
    const address = { correlationId: request.getCorrelationId(), streamIdentifier: options?.getStreamIdentifier() ?? new sharedPb.StreamIdentifier() };
    if (!options) {
      settleEarly(key, batchBadRequest(address, 'The first chunk of an append must carry options.'), request.getIsFinal());
      return undefined;
    }
    const stream = streamNameOf(options.getStreamIdentifier());
    const expected = expectedRevisionOf(options.getExpectedStreamPositionCase(), () => options.getStreamPosition());
    const deadline = options.getDeadline()?.toDate().getTime();
    // An expired deadline wins over everything else, the size limit included.
    if (deadline !== undefined && deadline <= Date.now()) {
      settleEarly(key, batchTimeout(address), request.getIsFinal());
      return undefined;
    }
    const append: PendingAppend = { address, stream, expected, events: [], size: 0, deadlineTimer: undefined };
    const remaining = deadline === undefined ? Number.NaN : deadline - Date.now();
    // Past ~24.8 days setTimeout fires at once: such a deadline (or an unreadable one) is no deadline.
    if (remaining > 0 && remaining < MAX_TIMER_MS) {
      append.deadlineTimer = setTimeout(() => settleEarly(key, batchTimeout(address), false), remaining);
    }
    pending.set(key, append);
    return append;
  };

  const finish = (key: string, append: PendingAppend) => {
    clearTimeout(append.deadlineTimer);
    pending.delete(key);
    writesInFlight++;
    const { address, stream, expected, events } = append;
    writes
      .submit({ kind: 'append', stream, expected, events })
      .then(
        (outcome) => {
          if (outcome.kind === 'success') send(batchSuccess(address, outcome.revision, outcome.position));
          else if (outcome.kind === 'stream_deleted') send(batchStreamDeleted(address));
          else send(batchWrongExpectedVersion(address, outcome.currentRevision, expected));
        },
        (error: unknown) => {
          if (error instanceof WritesUnavailableError) return send(batchUnavailable(address, error.message));
          logger.error({ err: error, stream }, 'esdb-dev: batch append failed');
          send(batchUnknown(address, 'esdb-dev internal error'));
        },
      )
      .catch((error: unknown) => logger.error({ err: error, stream }, 'esdb-dev: answering a batch append failed'))
      .finally(() => {
        writesInFlight--;
        endIfIdle();
      });
  };

  call.on('data', (request: BatchAppendReq) => {
    const correlationId = request.getCorrelationId();
    const key = correlationId ? correlationKey(correlationId) : '';
    if (settled.has(key)) {
      if (request.getIsFinal()) settled.delete(key);
      return;
    }
    let append = pending.get(key);
    try {
      append ??= start(key, request);
      if (!append) return;
      for (const message of request.getProposedMessagesList()) {
        const event = proposedEventOf(message);
        append.size += proposedEventSize(event);
        if (append.size > MAX_APPEND_SIZE) return settleEarly(key, batchMaximumAppendSizeExceeded(append.address), request.getIsFinal());
        append.events.push(event);
      }
      if (request.getIsFinal()) finish(key, append);
    } catch (error) {
      const streamIdentifier = request.getOptions()?.getStreamIdentifier() ?? new sharedPb.StreamIdentifier();
      const address = append?.address ?? { correlationId, streamIdentifier };
      if (error instanceof ProtocolError) return settleEarly(key, batchBadRequest(address, error.message), request.getIsFinal());
      logger.error({ err: error }, 'esdb-dev: batch append chunk failed');
      settleEarly(key, batchUnknown(address, 'esdb-dev internal error'), request.getIsFinal());
    }
  });
  call.on('end', () => {
    clientDone = true;
    endIfIdle();
  });
  const abandon = () => {
    for (const append of pending.values()) clearTimeout(append.deadlineTimer);
    pending.clear();
    settled.clear();
  };
  call.on('cancelled', abandon);
  call.on('error', abandon);
}

/** Correlation ids arrive in string or structured form; either names the append. */
function correlationKey(id: NonNullable<ReturnType<BatchAppendReq['getCorrelationId']>>): string {
  const structured = id.getStructured();
  return structured ? `${structured.getMostSignificantBits()}:${structured.getLeastSignificantBits()}` : id.getString().toLowerCase();
}
