import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore } from '../../../infra/event-store/index.ts';
import type { PlannedAppend, Workload } from './commerce-workload.ts';

/** An append as the store took it: the `$all` position of its last event. */
export interface WrittenAppend {
  append: PlannedAppend;
  position: bigint;
}

/** How far the writer is; read by the tests to time their faults. */
export interface WriteProgress {
  events: number;
  /** Highest `$all` position written so far. */
  head: bigint;
  done: boolean;
}

export interface WorkloadWriter {
  progress: WriteProgress;
  /** Every append with its position, once all are in. */
  written: Promise<WrittenAppend[]>;
}

/**
 * Writes the workload as the services would: each script's appends in order, `concurrency` scripts at a
 * time, so streams interleave in `$all`. `pause` (optional) is awaited before each append: how a test
 * stretches the writing over the faults it injects.
 */
export function writeWorkload(
  store: EventStore,
  workload: Workload,
  options: { concurrency?: number; pause?: () => Promise<void> } = {},
): WorkloadWriter {
  const progress: WriteProgress = { events: 0, head: 0n, done: false };
  const written: WrittenAppend[] = [];
  let next = 0;
  const worker = async () => {
    for (let script = workload.scripts[next++]; script !== undefined; script = workload.scripts[next++]) {
      for (const append of script) {
        await options.pause?.();
        const { position } = await store.append(append.stream, append.events, 'any');
        written.push({ append, position });
        progress.events += append.events.length;
        if (position > progress.head) progress.head = position;
      }
    }
  };
  const workers = Array.from({ length: options.concurrency ?? 16 }, worker);
  const all = Promise.all(workers).then(() => {
    progress.done = true;
    return written;
  });
  return { progress, written: all };
}

/** The position of the last event the workload wrote. */
export const lastPosition = (written: WrittenAppend[]): bigint =>
  written.reduce((max, { position }) => (position > max ? position : max), 0n);

/** A `pause` for writeWorkload that spaces appends evenly at `perSecond`, however many workers share it. */
export function pacer(perSecond: number): () => Promise<void> {
  let next = Date.now();
  return async () => {
    const slot = Math.max(next, Date.now());
    next = slot + 1_000 / perSecond;
    await sleep(slot - Date.now());
  };
}
