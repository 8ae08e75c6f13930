/**
 * A reaction session driven from memory: the runner's own cost per event (parsing, per-key lanes, the
 * window, coalesced checkpoint commits), without the event store's. Used by reactions.bench.ts.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { v4 as uuid } from 'uuid';
import type { AllSubscription, RecordedEvent, SubscriptionMessage } from '../../infra/event-store/index.ts';
import type { Logger } from '../../infra/logger.ts';
import type { Reaction } from '../../infra/subscriptions/index.ts';
import { consumeReaction } from '../../infra/subscriptions/reaction-session.ts';
import { isTransientByDefault } from '../../infra/subscriptions/reaction-runner.ts';
import { RunnerState } from '../../infra/subscriptions/runner-state.ts';

/** `events` product events over `keys` streams, interleaved as concurrent writers would leave them. */
export function syntheticLog(events: number, keys: number): RecordedEvent[] {
  const skus = Array.from({ length: keys }, () => `bench-${uuid()}`);
  return Array.from({ length: events }, (_, n) => {
    const key = n % keys;
    const revision = Math.floor(n / keys);
    const sku = skus[key]!;
    const data = revision === 0 ? { sku, name: 'Mug', price: 1200, currency: 'EUR' } : { sku, price: 1200 + revision };
    return {
      id: uuid(),
      type: revision === 0 ? 'ProductAdded' : 'ProductPriceChanged',
      data,
      metadata: {},
      streamName: `product-${sku}`,
      revision: BigInt(revision),
      position: BigInt((n + 1) * 100),
      createdAt: new Date(),
    };
  });
}

/** Yields the log, then caught-up, then waits until closed, as a live subscription would. */
function memorySubscription(log: RecordedEvent[]): AllSubscription {
  let close!: () => void;
  const closed = new Promise<void>((resolve) => (close = resolve));
  async function* messages(): AsyncGenerator<SubscriptionMessage> {
    for (const event of log) yield { kind: 'event', event };
    yield { kind: 'caught-up' };
    await closed;
  }
  return { [Symbol.asyncIterator]: () => messages(), close: async () => close() };
}

/** Runs one session over `log` until its checkpoint covers it; the time it took, and this process's CPU. */
export async function runFromMemory(pool: pg.Pool, logger: Logger, log: RecordedEvent[], handle: Reaction['handle']) {
  const reaction: Reaction = { name: `bench_${uuid().slice(0, 8)}`, handles: ['ProductAdded', 'ProductPriceChanged'], key: (event) => event.streamName, handle };
  await pool.query('INSERT INTO checkpoints (name, position, epoch) VALUES ($1, NULL, 1)', [reaction.name]);
  const state = new RunnerState(logger, 'reaction', undefined, 1_000);
  const stopping = new AbortController();
  const last = log.at(-1)!.position;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const session = consumeReaction({
    reaction, pool, metrics: undefined, maxInFlight: 1_000, commitIntervalMs: 25, idleProbeMs: 60_000, retryBaseMs: 200, retryMaxMs: 10_000, isTransient: isTransientByDefault,
  })({
    lease: { epoch: 1n, from: 'start', lost: new AbortController().signal, release: async () => undefined },
    subscription: memorySubscription(log),
    stopping: stopping.signal,
    throwIfLost: () => undefined,
    state,
    logger,
    quietTail: async () => undefined,
  });
  while ((state.current.position ?? 0n) < last) await sleep(5);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  stopping.abort();
  await session;
  return { ms, cpuSeconds: (used.user + used.system) / 1e6 };
}
