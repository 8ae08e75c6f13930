/**
 * A hot sku's stream of 100,000 events (BENCH_INVENTORY_EVENTS): (a) the inventory fold, as it is and
 * as it was (which copied every order ever seen per event: quadratic, so timed on the first
 * 5k/10k/20k events only, BENCH_INVENTORY_BEFORE up to, and extrapolated); (b) the first command of a
 * restarted process (a new client, an empty state cache) on that sku, from the latest snapshot and
 * the events after it, and from the whole stream, beside the raw `readStream` of the same events in
 * the same run. esdb-dev runs as a child process (in memory), or the server at ESDB_URL is used.
 */
import { performance } from 'node:perf_hooks';
import { v4 as uuid } from 'uuid';
import { handleInventoryCommand } from '../../command-services/inventory/handle-inventory-command.ts';
import type { CommandDependencies } from '../../command-services/shared/command-dependencies.ts';
import { noCommandMetrics } from '../../command-services/shared/command-metrics.ts';
import { handleCommand } from '../../command-services/shared/handle-command.ts';
import { snapshotStreamOf } from '../../command-services/shared/snapshot-policy.ts';
import { StreamStateCache } from '../../command-services/shared/stream-state-cache.ts';
import { inventoryDecider, inventoryEvent, inventoryStream, type InventoryEvent } from '../../domain/inventory/index.ts';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { hotSkuHistory } from '../support/hot-sku-history.ts';
import { startEsdbDevProcess } from './esdb-dev-process.ts';
import { rate, report } from './figures.ts';
import { evolveBefore, initialStateBefore } from './inventory-fold-before.ts';
import { loadAverage } from './process-cpu.ts';

const events = Number(process.env.BENCH_INVENTORY_EVENTS ?? 100_000);
const beforeUpTo = Number(process.env.BENCH_INVENTORY_BEFORE ?? 20_000);
/** Events appended after the snapshot, so a load folds a realistic tail (the interval is 1,000). */
const tail = 500;
const rounds = 3;
const logger = createLogger({ level: 'silent' });
// Reading 100,000 events whole may take longer than the service's 5 s bound: that is what is measured.
const timeoutMs = 300_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => value.toFixed(0);

export async function run() {
  const history = hotSkuHistory({ sku: 'BENCH-HOT', events });
  foldFigures(history);
  await restartFigures();
}

function foldFigures(history: InventoryEvent[]) {
  const times: number[] = [];
  let state = inventoryDecider.initialState;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    state = history.reduce(inventoryDecider.evolve, inventoryDecider.initialState);
    times.push(performance.now() - started);
  }
  report(`fold of ${events.toLocaleString('en-US')} events, now (median of ${rounds})`, {
    ms: ms(median(times)),
    'events/s': rate(events, median(times)),
    'open + remembered': state.openReservations.size + state.recentlyClosed.orderIds.size,
    load: loadAverage(),
  });

  let last = { count: 0, ms: 0 };
  for (let count = 5_000; count <= Math.min(beforeUpTo, events); count *= 2) {
    const started = performance.now();
    const before = history.slice(0, count).reduce(evolveBefore, initialStateBefore);
    last = { count, ms: performance.now() - started };
    report(`fold of ${count.toLocaleString('en-US')} events, before`, { ms: ms(last.ms), 'orders kept': before.reservations.size });
  }
  if (last.count > 0 && last.count < events) {
    // At least quadratic (measured: worse, as the copies strain the collector): a lower bound.
    report(`fold of ${events.toLocaleString('en-US')} events, before (extrapolated)`, {
      'ms ≥': ms(last.ms * (events / last.count) ** 2),
    });
  }
}

async function restartFigures() {
  const esdb = process.env.ESDB_URL ? undefined : await startEsdbDevProcess();
  const url = process.env.ESDB_URL ?? esdb!.url;
  const admin = createEventStore({ url, logger, timeoutMs });
  try {
    const sku = `BENCH-${uuid().slice(0, 8)}`;
    const streamName = inventoryStream(sku);
    const history = hotSkuHistory({ sku, events: events + tail, seed: 5 });
    const settled = history.findLast((event) => event.type === 'StockCommitted')!.data.orderId;

    let started = performance.now();
    await appendAll(admin, streamName, history.slice(0, events), 0);
    report(`append ${events.toLocaleString('en-US')} events, 2,000 per append`, { ms: ms(performance.now() - started) });
    // A command on the whole stream leaves a snapshot at its last event; then the tail follows.
    await fresh(url, async (deps) => {
      await handleInventoryCommand(deps, { type: 'ReleaseStock', data: { sku, orderId: uuid() } }, context());
      await waitForSnapshot(admin, streamName);
    });
    await appendAll(admin, streamName, history.slice(events), events);

    const redelivered = { type: 'ReserveStock' as const, data: { sku, orderId: settled, quantity: 1 } };
    const times = { raw: [] as number[], snapshot: [] as number[], whole: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      started = performance.now();
      await fresh(url, (deps) => deps.eventStore.readStream(streamName, (event) => event));
      times.raw.push(performance.now() - started);

      started = performance.now();
      await fresh(url, (deps) => handleInventoryCommand(deps, redelivered, context()));
      times.snapshot.push(performance.now() - started);

      started = performance.now();
      await fresh(url, (deps) =>
        handleCommand(deps, {
          decider: inventoryDecider,
          decode: (event) => inventoryEvent.parse(event),
          streamName,
          command: redelivered,
          context: context(),
        }),
      );
      times.whole.push(performance.now() - started);
    }
    const total = events + tail;
    report(`baseline: raw readStream of ${total.toLocaleString('en-US')} events`, { 'ms (median)': ms(median(times.raw)), 'events/s': rate(total, median(times.raw)) });
    report(`first command after a restart, snapshot + ${tail} events`, { 'ms (median)': ms(median(times.snapshot)) });
    report(`first command after a restart, whole stream`, { 'ms (median)': ms(median(times.whole)), load: loadAverage() });
  } finally {
    await admin.close();
    await esdb?.stop();
  }
}

/** A restarted process: a new client (connection included in the time) and an empty state cache. */
async function fresh<T>(url: string, work: (deps: CommandDependencies) => Promise<T>): Promise<T> {
  const eventStore = createEventStore({ url, logger, timeoutMs });
  try {
    return await work({ eventStore, metrics: noCommandMetrics, streamStates: new StreamStateCache() });
  } finally {
    await eventStore.close();
  }
}

async function appendAll(store: EventStore, streamName: string, batch: InventoryEvent[], firstRevision: number) {
  const metadata = { correlationId: 'bench', causationId: 'bench' };
  for (let start = 0; start < batch.length; start += 2_000) {
    const slice = batch.slice(start, start + 2_000).map((event) => ({ id: uuid(), type: event.type, data: event.data, metadata }));
    const revision = firstRevision + start;
    await store.append(streamName, slice, revision === 0 ? 'no_stream' : BigInt(revision - 1));
  }
}

async function waitForSnapshot(store: EventStore, streamName: string) {
  while (!(await store.readLastEvent(snapshotStreamOf(streamName)))) await new Promise((resolve) => setTimeout(resolve, 50));
}

const context = () => ({ correlationId: uuid(), causationId: uuid() });
