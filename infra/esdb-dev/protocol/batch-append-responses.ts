import type { ExpectedRevision } from '../write/expected-revision.ts';
import { MAX_APPEND_SIZE } from './errors.ts';
import { anyPb, emptyPb, sharedPb, statusPb, streamsPb, type BatchAppendResp, type StreamIdentifier, type UUID } from './generated.ts';

const { BatchAppendResp: BatchAppendRespClass } = streamsPb;

/** Code values of google.rpc.Code, as the package's code.proto numbers them. */
const Code = { UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, UNAVAILABLE: 14 } as const;

/** Who a BatchAppend reply is for: the correlation id as received and the target stream. */
export interface BatchAppendAddress {
  correlationId: UUID | undefined;
  streamIdentifier: StreamIdentifier;
}

function reply(address: BatchAppendAddress): BatchAppendResp {
  // The client reads the stream name from every error reply: always set it.
  const response = new BatchAppendRespClass().setStreamIdentifier(address.streamIdentifier);
  if (address.correlationId) response.setCorrelationId(address.correlationId);
  return response;
}

export function batchSuccess(address: BatchAppendAddress, revision: number, position: number): BatchAppendResp {
  const success = new BatchAppendRespClass.Success();
  if (revision < 0) success.setNoStream(new emptyPb.Empty());
  else success.setCurrentRevision(String(revision));
  success.setPosition(new sharedPb.AllStreamPosition().setCommitPosition(String(position)).setPreparePosition(String(position)));
  return reply(address).setSuccess(success);
}

/**
 * Errors travel in-band as google.rpc.Status with one `details` Any; the client picks its error
 * class from the Any's type name alone (protocol §6).
 */
function batchError(address: BatchAppendAddress, code: number, message: string, detailType: string, detail: { serializeBinary(): Uint8Array }) {
  const details = new anyPb.Any();
  details.pack(detail.serializeBinary(), `event_store.client.${detailType}`);
  return reply(address).setError(new statusPb.Status().setCode(code).setMessage(message).setDetails(details));
}

export function batchWrongExpectedVersion(address: BatchAppendAddress, currentRevision: number, expected: ExpectedRevision) {
  const detail = new sharedPb.WrongExpectedVersion();
  if (currentRevision < 0) detail.setCurrentNoStream(new emptyPb.Empty());
  else detail.setCurrentStreamRevision(String(currentRevision));
  switch (expected.kind) {
    case 'exact':
      detail.setExpectedStreamPosition(expected.revision.toString());
      break;
    case 'any':
      detail.setExpectedAny(new emptyPb.Empty());
      break;
    case 'stream_exists':
      detail.setExpectedStreamExists(new emptyPb.Empty());
      break;
    case 'no_stream':
      detail.setExpectedNoStream(new emptyPb.Empty());
      break;
  }
  return batchError(address, Code.ALREADY_EXISTS, 'Wrong expected version.', 'WrongExpectedVersion', detail);
}

export const batchStreamDeleted = (address: BatchAppendAddress) =>
  batchError(address, Code.NOT_FOUND, 'Stream deleted.', 'StreamDeleted', new sharedPb.StreamDeleted().setStreamIdentifier(address.streamIdentifier));

export const batchTimeout = (address: BatchAppendAddress) =>
  batchError(address, Code.DEADLINE_EXCEEDED, 'Operation timed out.', 'Timeout', new sharedPb.Timeout());

export const batchMaximumAppendSizeExceeded = (address: BatchAppendAddress) =>
  batchError(
    address,
    Code.INVALID_ARGUMENT,
    `Maximum Append Size of ${MAX_APPEND_SIZE} Exceeded.`,
    'MaximumAppendSizeExceeded',
    new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(MAX_APPEND_SIZE),
  );

export const batchBadRequest = (address: BatchAppendAddress, message: string) =>
  batchError(address, Code.INVALID_ARGUMENT, message, 'BadRequest', new sharedPb.BadRequest().setMessage(message));

/**
 * Nothing was written (stopping, or the disk is full). The 6.x client maps no in-band detail to
 * "unavailable"; `Timeout` is the nearest it knows (the real server's answer to a write it could not
 * commit), so callers see a transient failure to retry rather than an unknown error.
 */
export const batchUnavailable = (address: BatchAppendAddress, message: string) =>
  batchError(address, Code.UNAVAILABLE, message, 'Timeout', new sharedPb.Timeout());

export const batchUnknown = (address: BatchAppendAddress, message: string) =>
  batchError(address, Code.UNKNOWN, message, 'Unknown', new sharedPb.Unknown());
