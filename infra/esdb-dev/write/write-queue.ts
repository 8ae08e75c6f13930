import type { Logger } from 'pino';
import type { EventLog } from '../store/event-log.ts';
import { applyWrite } from './apply-write.ts';
import type { WriteOutcome, WriteRequest } from './write-request.ts';

/** Where committed records go before they are acknowledged (the durable file), if anywhere. */
export interface RecordSink {
  /** Persists the groups (one per write, each atomic on recovery) and fsyncs before resolving. */
  append(groups: Buffer[][]): Promise<void>;
}

/** Thrown to writers when the server cannot take writes (stopping, or storage failed). */
export class WritesUnavailableError extends Error {}

interface QueuedWrite {
  request: WriteRequest;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: Error) => void;
}

const MAX_WRITES_PER_BATCH = 4096;

/**
 * Serializes every write and commits them in groups: all writes that arrive while the previous
 * group is being fsynced are decided, appended and persisted together with one write + fsync
 * (group commit). A write is acknowledged, and becomes visible to readers, only after its
 * group is durable. If persisting fails, the group is rolled back and the queue refuses
 * further writes: the log on disk can no longer be trusted to match memory.
 */
export class WriteQueue {
  private queue: QueuedWrite[] = [];
  private draining: Promise<void> | undefined;
  private refusal: string | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly sink: RecordSink | undefined,
    private readonly logger: Logger,
  ) {}

  submit(request: WriteRequest): Promise<WriteOutcome> {
    if (this.refusal) return Promise.reject(new WritesUnavailableError(this.refusal));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      // Start on a microtask so writes arriving in the same tick share one group.
      this.draining ??= Promise.resolve().then(() => this.drain());
    });
  }

  /** Refuses new writes and waits for the ones already accepted. */
  async close(): Promise<void> {
    this.refusal ??= 'Server Is Not Ready';
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_WRITES_PER_BATCH);
        await this.commitGroup(batch);
      }
    } finally {
      this.draining = undefined;
    }
  }

  private async commitGroup(batch: QueuedWrite[]): Promise<void> {
    const nowMs = Date.now();
    const outcomes: Array<WriteOutcome | { kind: 'failed'; error: Error }> = [];
    const groups: Buffer[][] = [];
    for (const { request } of batch) {
      const firstNew = this.log.length;
      try {
        outcomes.push(applyWrite(this.log, request, nowMs));
      } catch (error) {
        // A bug in one write must not take the group down: drop its records, fail it alone.
        this.log.discardFrom(firstNew);
        outcomes.push({ kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) });
        continue;
      }
      const records: Buffer[] = [];
      for (let logIndex = firstNew; logIndex < this.log.length; logIndex++) records.push(this.log.recordBytes(logIndex));
      if (records.length > 0) groups.push(records);
    }
    if (this.sink && groups.length > 0) {
      try {
        await this.sink.append(groups);
      } catch (error) {
        this.log.discardFrom();
        this.refusal = 'Server Is Not Ready';
        this.logger.error({ err: error }, 'esdb-dev: persisting writes failed; refusing further writes');
        const failure = new WritesUnavailableError(this.refusal);
        for (const write of batch) write.reject(failure);
        for (const write of this.queue.splice(0)) write.reject(failure);
        return;
      }
    }
    this.log.commit();
    batch.forEach((write, i) => {
      const outcome = outcomes[i] as WriteOutcome | { kind: 'failed'; error: Error };
      if (outcome.kind === 'failed') write.reject(outcome.error);
      else write.resolve(outcome);
    });
  }
}
