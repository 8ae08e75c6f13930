import type { ExpectedRevision } from './expected-revision.ts';

/** One event as proposed by a client, already validated. */
export interface ProposedEvent {
  /** 16 bytes, big-endian UUID. */
  id: Buffer;
  type: string;
  isJson: boolean;
  data: Uint8Array;
  metadata: Uint8Array;
}

export type WriteRequest =
  | { kind: 'append'; stream: string; expected: ExpectedRevision; events: ProposedEvent[] }
  | { kind: 'delete'; stream: string; expected: ExpectedRevision }
  | { kind: 'tombstone'; stream: string; expected: ExpectedRevision };

export type WriteOutcome =
  /** `revision` is the stream's revision after the write (-1: the stream has no events). */
  | { kind: 'success'; revision: number; position: number }
  | { kind: 'wrong_expected_version'; currentRevision: number }
  | { kind: 'stream_deleted' };
