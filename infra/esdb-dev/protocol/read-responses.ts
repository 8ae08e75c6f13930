import { sharedPb, streamsPb, type ReadResp } from './generated.ts';

const { ReadResp: ReadRespClass } = streamsPb;

/** The control messages of Read calls (events themselves go through wire-event.ts). */
export function confirmation(subscriptionId: string): ReadResp {
  const message = new ReadRespClass.SubscriptionConfirmation().setSubscriptionId(subscriptionId);
  return new ReadRespClass().setConfirmation(message);
}

export function caughtUp(): ReadResp {
  return new ReadRespClass().setCaughtUp(new ReadRespClass.CaughtUp());
}

/** On current servers every record is self-committed: commit == prepare. */
export function checkpoint(position: number): ReadResp {
  const message = new ReadRespClass.Checkpoint().setCommitPosition(String(position)).setPreparePosition(String(position));
  return new ReadRespClass().setCheckpoint(message);
}

export function streamNotFound(stream: string): ReadResp {
  const identifier = new sharedPb.StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8'));
  return new ReadRespClass().setStreamNotFound(new ReadRespClass.StreamNotFound().setStreamIdentifier(identifier));
}
