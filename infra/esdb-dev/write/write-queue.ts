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

/** Bounds of one group commit, so one fsync never waits behind gigabytes of queued appends. */
const MAX_WRITES_PER_GROUP = 4096;
const MAX_BYTES_PER_GROUP = 16 * 1024 * 1024;

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
      while (this.queue.length > 0) await this.commitGroup(this.takeGroup());
    } finally {
      this.draining = undefined;
    }
  }

  private takeGroup(): QueuedWrite[] {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < MAX_WRITES_PER_GROUP && bytes < MAX_BYTES_PER_GROUP) {
      const request = (this.queue[count] as QueuedWrite).request;
      if (request.kind === 'append') for (const event of request.events) bytes += event.data.length + event.metadata.length;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async commitGroup(group: QueuedWrite[]): Promise<void> {
    const nowMs = Date.now();
    const settle: Array<() => void> = [];
    const records: Buffer[][] = [];
    for (const write of group) {
      const firstNew = this.log.length;
      try {
        const outcome = applyWrite(this.log, write.request, nowMs);
        settle.push(() => write.resolve(outcome));
      } catch (error) {
        // A bug in one write must not take the group down: drop its records, fail it alone.
        this.log.discardFrom(firstNew);
        settle.push(() => write.reject(error instanceof Error ? error : new Error(String(error))));
        continue;
      }
      const written: Buffer[] = [];
      for (let logIndex = firstNew; logIndex < this.log.length; logIndex++) written.push(this.log.recordBytes(logIndex));
      if (written.length > 0) records.push(written);
    }
    if (this.sink && records.length > 0) {
      try {
        await this.sink.append(records);
      } catch (error) {
        this.log.discardFrom();
        this.refusal = 'Server Is Not Ready';
        this.logger.error({ err: error }, 'esdb-dev: persisting writes failed; refusing further writes');
        const failure = new WritesUnavailableError(this.refusal);
        for (const write of [...group, ...this.queue.splice(0)]) write.reject(failure);
        return;
      }
    }
    this.log.commit();
    for (const done of settle) done();
  }
}
