import type { ExpectedRevision } from '../write/expected-revision.ts';
import type { WriteOutcome } from '../write/write-request.ts';
import { sharedPb, streamsPb, type AppendResp, type DeleteResp, type TombstoneResp } from './generated.ts';

const { AppendResp: AppendRespClass, DeleteResp: DeleteRespClass, TombstoneResp: TombstoneRespClass } = streamsPb;
const empty = () => new sharedPb.Empty();

type Answered = Exclude<WriteOutcome, { kind: 'stream_deleted' }>;

/**
 * Append answers success and wrong-expected-version in-band, with status OK (protocol §5).
 * Positions: every record is self-committed, so commit == prepare == the record's position.
 */
export function appendResponse(outcome: Answered, expected: ExpectedRevision): AppendResp {
  if (outcome.kind === 'success') {
    const success = new AppendRespClass.Success();
    if (outcome.revision < 0) success.setNoStream(empty());
    else success.setCurrentRevision(String(outcome.revision));
    const position = String(outcome.position);
    success.setPosition(new AppendRespClass.Position().setCommitPosition(position).setPreparePosition(position));
    return new AppendRespClass().setSuccess(success);
  }
  const conflict = new AppendRespClass.WrongExpectedVersion();
  if (outcome.currentRevision < 0) conflict.setCurrentNoStream(empty());
  else conflict.setCurrentRevision(String(outcome.currentRevision));
  switch (expected.kind) {
    case 'exact':
      conflict.setExpectedRevision(expected.revision.toString());
      break;
    case 'any':
      conflict.setExpectedAny(empty());
      break;
    case 'stream_exists':
      conflict.setExpectedStreamExists(empty());
      break;
    case 'no_stream':
      conflict.setExpectedNoStream(empty());
      break;
  }
  return new AppendRespClass().setWrongExpectedVersion(conflict);
}

export function deleteResponse(position: number): DeleteResp {
  const text = String(position);
  return new DeleteRespClass().setPosition(new DeleteRespClass.Position().setCommitPosition(text).setPreparePosition(text));
}

export function tombstoneResponse(position: number): TombstoneResp {
  const text = String(position);
  return new TombstoneRespClass().setPosition(new TombstoneRespClass.Position().setCommitPosition(text).setPreparePosition(text));
}

/** The int64 the real server reports for an expected revision in error trailers (-2 any, -1 no stream, -4 exists). */
export function expectedVersionText(expected: ExpectedRevision): string {
  switch (expected.kind) {
    case 'exact':
      return expected.revision.toString();
    case 'any':
      return '-2';
    case 'no_stream':
      return '-1';
    case 'stream_exists':
      return '-4';
  }
}
