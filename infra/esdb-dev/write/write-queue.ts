import type { Logger } from 'pino';
import type { EventLog } from '../store/event-log.ts';
import { applyWrite } from './apply-write.ts';
import type { WriteOutcome, WriteRequest } from './write-request.ts';

/** Where committed records go before they are acknowledged (the durable file), if anywhere. */
export interface RecordSink {
  /** Persists the groups (one per write, each atomic on recovery) and fsyncs before resolving. */
  append(groups: Buffer[][]): Promise<void>;
  /** Resolves once a write of the largest append would succeed again; rejects while it would not. */
  checkRoom(): Promise<void>;
}

/** How often storage that failed is tried again. */
const STORAGE_RETRY_MS = 1_000;

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
 * group is durable. If persisting fails (a full disk), the group is rolled back and answered
 * with an error, and writes are refused until the storage takes a trial write again, tried every
 * second, so writes resume without a restart once there is room.
 */
export class WriteQueue {
  private queue: QueuedWrite[] = [];
  private draining: Promise<void> | undefined;
  private refusal: string | undefined;
  private storageFailure: string | undefined;
  private storageRetry: NodeJS.Timeout | undefined;
  private storageCheck: Promise<void> | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly sink: RecordSink | undefined,
    private readonly logger: Logger,
  ) {}

  /** Why writes are refused right now, if they are. */
  get unavailableReason(): string | undefined {
    return this.refusal ?? this.storageFailure;
  }

  submit(request: WriteRequest): Promise<WriteOutcome> {
    const refusal = this.unavailableReason;
    if (refusal) return Promise.reject(new WritesUnavailableError(refusal));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      // Start on a microtask so writes arriving in the same tick share one group.
      this.draining ??= Promise.resolve().then(() => this.drain());
    });
  }

  /** Refuses new writes and waits for the ones already accepted. */
  async close(): Promise<void> {
    this.refusal ??= 'Server Is Not Ready';
    clearTimeout(this.storageRetry);
    await this.draining;
    await this.storageCheck;
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
        const reason = `esdb-dev cannot write its event file (${error instanceof Error ? error.message : String(error)})`;
        this.storageFailure = reason;
        this.logger.error({ err: error }, 'esdb-dev: persisting writes failed; refusing writes until the event file takes them again');
        const failure = new WritesUnavailableError(reason);
        for (const write of [...group, ...this.queue.splice(0)]) write.reject(failure);
        this.retryStorageLater();
        return;
      }
    }
    this.log.commit();
    for (const done of settle) done();
  }

  private retryStorageLater(): void {
    const sink = this.sink;
    if (!sink || this.refusal) return;
    this.storageRetry = setTimeout(() => {
      this.storageCheck = sink.checkRoom().then(
        () => {
          this.storageFailure = undefined;
          this.logger.info('esdb-dev: the event file takes writes again');
        },
        () => this.retryStorageLater(),
      );
    }, STORAGE_RETRY_MS);
    this.storageRetry.unref();
  }
}
