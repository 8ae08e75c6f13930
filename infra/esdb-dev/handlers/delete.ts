import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { deleteWrongExpectedVersion, reject, streamDeleted } from '../protocol/errors.ts';
import type { DeleteReq, DeleteResp, TombstoneReq, TombstoneResp } from '../protocol/generated.ts';
import { expectedRevisionOf, streamNameOf } from '../protocol/request-fields.ts';
import { deleteResponse, expectedVersionText, tombstoneResponse } from '../protocol/write-responses.ts';
import type { ExpectedRevision } from '../write/expected-revision.ts';
import type { WriteQueue } from '../write/write-queue.ts';
import { failureResponse } from './failure.ts';

type DeleteOptions = NonNullable<ReturnType<DeleteReq['getOptions'] | TombstoneReq['getOptions']>>;

/** Streams.Delete: soft delete (protocol §9). Conflicts are error statuses here, unlike Append. */
export function deleteStream(writes: WriteQueue, logger: Logger, call: ServerUnaryCall<DeleteReq, DeleteResp>, callback: sendUnaryData<DeleteResp>) {
  removeStream('delete', writes, logger, call.request.getOptions(), (error, position) =>
    error ? callback(error) : callback(null, deleteResponse(position)),
  );
}

/** Streams.Tombstone: hard delete, forever (protocol §9). */
export function tombstoneStream(
  writes: WriteQueue,
  logger: Logger,
  call: ServerUnaryCall<TombstoneReq, TombstoneResp>,
  callback: sendUnaryData<TombstoneResp>,
) {
  removeStream('tombstone', writes, logger, call.request.getOptions(), (error, position) =>
    error ? callback(error) : callback(null, tombstoneResponse(position)),
  );
}

function removeStream(
  kind: 'delete' | 'tombstone',
  writes: WriteQueue,
  logger: Logger,
  options: DeleteOptions | undefined,
  reply: (error: Parameters<sendUnaryData<unknown>>[0], position: number) => void,
): void {
  let target: { stream: string; expected: ExpectedRevision };
  try {
    if (!options) reject('Delete options are required.');
    target = {
      stream: streamNameOf(options.getStreamIdentifier()),
      expected: expectedRevisionOf(options.getExpectedStreamRevisionCase(), () => options.getRevision()),
    };
  } catch (error) {
    return reply(failureResponse(error, logger), 0);
  }
  const { stream, expected } = target;
  writes.submit({ kind, stream, expected }).then(
    (outcome) => {
      switch (outcome.kind) {
        case 'success':
          return reply(null, outcome.position);
        case 'stream_deleted':
          return reply(streamDeleted(stream), 0);
        case 'wrong_expected_version':
          return reply(deleteWrongExpectedVersion(stream, expectedVersionText(expected), outcome.currentRevision), 0);
      }
    },
    (error: unknown) => reply(failureResponse(error, logger), 0),
  ).catch((error: unknown) => logger.error({ err: error, stream }, `esdb-dev: answering a ${kind} failed`));
}
