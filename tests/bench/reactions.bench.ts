/**
 * Reaction runner hot path: how fast a reaction follows a log when handlers cost nothing, so the
 * figure is the machinery's own cost. First the runner alone: a reaction session fed BENCH_EVENTS
 * (default 100,000) product events over BENCH_KEYS (default 1,000) keys from memory (parsing, per-key
 * lanes, the window, checkpoint commits to a throwaway embedded PostgreSQL or DATABASE_URL). Then
 * end to end: the same events written to esdb-dev (a child process, in memory) or ESDB_URL and
 * followed by startReactionRunner from the start of the log, beside the bare subscription's rate.
 * Handlers either return at once or yield to the event loop once (as any awaited I/O would).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldOnce } from 'node:timers/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { v4 as uuid } from 'uuid';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { startEmbeddedPostgres } from '../../infra/postgres/embedded-postgres.ts';
import { coreMigrations } from '../../infra/postgres/migrations/index.ts';
import { migrate } from '../../infra/postgres/migrations.ts';
import { createPgPool } from '../../infra/postgres/pool.ts';
import { startReactionRunner, type Reaction } from '../../infra/subscriptions/index.ts';
import { createFreshDatabase } from '../postgres/fresh-database.ts';
import { startEsdbDevProcess } from './esdb-dev-process.ts';
import { rate, report } from './figures.ts';
import { loadAverage, ownCpuSeconds } from './process-cpu.ts';
import { runFromMemory, syntheticLog } from './reaction-hot-path.ts';

const events = Number(process.env.BENCH_EVENTS ?? 100_000);
const keys = Number(process.env.BENCH_KEYS ?? 1_000);
const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'fatal' });

async function writeLog(store: EventStore): Promise<bigint> {
  const perStream = Math.ceil(events / keys);
  const written = performance.now();
  let head = 0n;
  const appends = Array.from({ length: keys }, (_, key) => async () => {
    const sku = `bench-${uuid()}`;
    const batch = Array.from({ length: perStream }, (_, n) =>
      n === 0
        ? { id: uuid(), type: 'ProductAdded', data: { sku, name: 'Mug', price: 1200, currency: 'EUR' } }
        : { id: uuid(), type: 'ProductPriceChanged', data: { sku, price: 1200 + n } },
    );
    const { position } = await store.append(`product-${sku}-${key}`, batch, 'no_stream');
    if (position > head) head = position;
  });
  for (let start = 0; start < appends.length; start += 16) await Promise.all(appends.slice(start, start + 16).map((append) => append()));
  report('log written', { events: perStream * keys, keys, ms: Math.round(performance.now() - written) });
  return head;
}

async function follow(store: EventStore, pool: pg.Pool, head: bigint, label: string, handle: Reaction['handle']): Promise<void> {
  let handled = 0;
  const reaction: Reaction = {
    name: `bench_${uuid().slice(0, 8)}`,
    handles: ['ProductAdded', 'ProductPriceChanged'],
    key: (event) => event.streamName,
    handle: async (event, signal) => {
      handled++;
      await handle(event, signal);
    },
  };
  const cpuBefore = ownCpuSeconds();
  const started = performance.now();
  const runner = startReactionRunner({ reaction, eventStore: store, pool, logger });
  while ((runner.status().position ?? 0n) < head) await sleep(20);
  const ms = performance.now() - started;
  const cpuSeconds = (ownCpuSeconds() - cpuBefore).toFixed(1);
  await runner.stop();
  report(label, { events: handled, ms: Math.round(ms), eventsPerSecond: rate(handled, ms), cpuSeconds, load: loadAverage() });
}

/** The bare subscription's rate over the same log: what the event store and client allow at most. */
async function subscriptionRate(store: EventStore, head: bigint): Promise<void> {
  const subscription = store.subscribeToAll({ from: 'start', filter: { on: 'eventType', prefixes: ['ProductAdded', 'ProductPriceChanged'] } });
  let read = 0;
  const started = performance.now();
  for await (const message of subscription) {
    if (message.kind === 'event') read++;
    if (message.kind === 'event' && message.event.position >= head) break;
  }
  await subscription.close();
  const ms = performance.now() - started;
  report('bare subscription (no parsing)', { events: read, ms: Math.round(ms), eventsPerSecond: rate(read, ms) });
}

const handlers = [
  ['handler returns at once', async () => undefined],
  ['handler yields once', () => yieldOnce()],
] as const;

export async function run(): Promise<void> {
  const stops: Array<() => Promise<unknown>> = [];
  try {
    let clusterUrl = process.env.DATABASE_URL;
    if (!clusterUrl) {
      const dataDir = await mkdtemp(join(tmpdir(), 'reactions-bench-'));
      stops.push(() => rm(dataDir, { recursive: true, force: true }));
      const postgres = await startEmbeddedPostgres({ dataDir, logger, persistent: false });
      stops.push(() => postgres.stop());
      clusterUrl = postgres.url;
    }
    const database = await createFreshDatabase(clusterUrl, 'reactions_bench');
    stops.push(() => database.drop());
    const pool = createPgPool({ url: database.url, logger, max: 4 });
    stops.push(() => pool.end());
    await migrate(pool, coreMigrations, logger);

    const log = syntheticLog(events, keys);
    for (const [label, handle] of handlers) {
      const { ms, cpuSeconds } = await runFromMemory(pool, logger, log, handle);
      report(`runner alone, ${label}`, { events, keys, ms: Math.round(ms), eventsPerSecond: rate(events, ms), cpuSeconds: cpuSeconds.toFixed(1), load: loadAverage() });
    }

    const esdb = process.env.ESDB_URL ? undefined : await startEsdbDevProcess();
    if (esdb) stops.push(() => esdb.stop());
    const store = createEventStore({ url: process.env.ESDB_URL ?? esdb!.url, logger });
    stops.push(() => store.close());
    const head = await writeLog(store);
    await subscriptionRate(store, head);
    for (const [label, handle] of handlers) await follow(store, pool, head, `end to end, ${label}`, handle);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error('cleanup failed:', error));
  }
}
