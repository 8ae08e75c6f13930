import type { ServerReadableStream, sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { invalidArgument, maximumAppendSizeExceeded, MAX_APPEND_SIZE, ProtocolError, reject, streamDeleted } from '../protocol/errors.ts';
import { streamsPb, type AppendReq, type AppendResp } from '../protocol/generated.ts';
import { expectedRevisionOf, proposedEventOf, proposedEventSize, streamNameOf } from '../protocol/request-fields.ts';
import { appendResponse } from '../protocol/write-responses.ts';
import type { ExpectedRevision } from '../write/expected-revision.ts';
import type { WriteQueue } from '../write/write-queue.ts';
import type { ProposedEvent } from '../write/write-request.ts';
import { failureResponse } from './failure.ts';

const { ContentCase } = streamsPb.AppendReq;

/**
 * Streams.Append (client-streaming, protocol §5): options first, then one message per event,
 * then half-close. Nothing is written before the half-close, so a client that disconnects
 * midway writes nothing; limits and malformed messages are answered as soon as they are seen.
 * A wrong expected version is an in-band answer with status OK.
 */
export function append(
  writes: WriteQueue,
  logger: Logger,
  call: ServerReadableStream<AppendReq, AppendResp>,
  callback: sendUnaryData<AppendResp>,
): void {
  let target: { stream: string; expected: ExpectedRevision } | undefined;
  const events: ProposedEvent[] = [];
  let size = 0;
  let answered = false;
  const answer: sendUnaryData<AppendResp> = (error, response) => {
    if (answered) return;
    answered = true;
    callback(error, response);
  };

  call.on('data', (message: AppendReq) => {
    if (answered) return;
    try {
      if (!target) {
        if (message.getContentCase() !== ContentCase.OPTIONS) reject('The first append message must carry options.');
        const options = message.getOptions() ?? reject('Append options are required.');
        target = {
          stream: streamNameOf(options.getStreamIdentifier()),
          expected: expectedRevisionOf(options.getExpectedStreamRevisionCase(), () => options.getRevision()),
        };
        return;
      }
      if (message.getContentCase() !== ContentCase.PROPOSED_MESSAGE) reject('Expected a proposed message after the options.');
      const event = proposedEventOf(message.getProposedMessage() ?? reject('Proposed message is empty.'));
      size += proposedEventSize(event);
      if (size > MAX_APPEND_SIZE) throw new ProtocolError(maximumAppendSizeExceeded());
      events.push(event);
    } catch (error) {
      answer(failureResponse(error, logger), null);
    }
  });

  call.on('end', () => {
    // A connection that drops mid-append also ends the request stream, and grpc-js reports
    // the cancellation right after: look again once pending I/O events have run.
    setImmediate(() => {
      if (answered || call.cancelled) return;
      if (!target) return answer(invalidArgument('Append options are required.'), null);
      const { stream, expected } = target;
      writes.submit({ kind: 'append', stream, expected, events }).then(
        (outcome) =>
          outcome.kind === 'stream_deleted' ? answer(streamDeleted(stream), null) : answer(null, appendResponse(outcome, expected)),
        (error: unknown) => answer(failureResponse(error, logger), null),
      ).catch((error: unknown) => logger.error({ err: error, stream }, 'esdb-dev: answering an append failed'));
    });
  });
  call.on('error', () => {
    answered = true;
  });
}
