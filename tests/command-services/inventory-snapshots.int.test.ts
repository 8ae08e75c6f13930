import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuid } from 'uuid';
import { handleInventoryCommand, inventorySnapshots } from '../../command-services/inventory/handle-inventory-command.ts';
import type { CommandDependencies } from '../../command-services/shared/command-dependencies.ts';
import { handleCommand } from '../../command-services/shared/handle-command.ts';
import { SNAPSHOT_EVENT_TYPE, snapshotStreamOf } from '../../command-services/shared/snapshot-policy.ts';
import { StreamStateCache } from '../../command-services/shared/stream-state-cache.ts';
import {
  encodeInventorySnapshot,
  inventoryDecider,
  inventoryEvent,
  inventoryStream,
  type InventoryEvent,
  type InventoryState,
} from '../../domain/inventory/index.ts';
import { startEsdbDev, type EsdbDevServer } from '../../infra/esdb-dev/index.ts';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { testEnvironment } from '../support/environment.ts';
import { hotSkuHistory } from '../support/hot-sku-history.ts';
import { recordingMetrics } from './recording-metrics.ts';

// Reading 100,000 events whole takes longer than the default bound on a busy test machine; what is
// under test here is what gets read, not how fast.
const timeoutMs = 60_000;
const logger = createLogger({ level: 'silent' });
const decode = (event: { type: string; data: unknown }) => inventoryEvent.parse(event);
const context = () => ({ correlationId: uuid(), causationId: uuid() });

// An esdb-dev of this file's own: 100,000 inventory events in the run's shared log would be waded
// through by every projection runner that other test files start from the beginning. A configured
// ESDB_URL (a real EventStoreDB) is used as it is.
let server: EsdbDevServer | undefined;
let url: string;
let admin: EventStore;
const opened: EventStore[] = [];
beforeAll(async () => {
  server = testEnvironment().esdbIsDev ? await startEsdbDev({ port: 0, logger }) : undefined;
  url = server?.url ?? testEnvironment().esdbUrl;
  admin = createEventStore({ url, logger, timeoutMs });
});
afterAll(async () => {
  await Promise.all([admin, ...opened].map((store) => store.close()));
  await server?.stop();
});

/** A process of the inventory service: its own client, its own (empty) state cache. */
function startProcess() {
  const eventStore = createEventStore({ url, logger, timeoutMs });
  opened.push(eventStore);
  const metrics = recordingMetrics();
  const deps: CommandDependencies = { eventStore, metrics, streamStates: new StreamStateCache() };
  return { deps, loads: metrics.loads };
}

/** Appends a history straight through the adapter, in big batches (well under the 1 MiB append limit). */
async function appendHistory(streamName: string, events: readonly InventoryEvent[]) {
  const metadata = { correlationId: 'history', causationId: 'history' };
  for (let start = 0; start < events.length; start += 2_000) {
    const batch = events.slice(start, start + 2_000).map((event) => ({ id: uuid(), type: event.type, data: event.data, metadata }));
    await admin.append(streamName, batch, start === 0 ? 'no_stream' : BigInt(start - 1));
  }
}

/** Comparable JSON of a state (a map's iteration order is not its content). */
const comparable = (state: InventoryState) => {
  const encoded = encodeInventorySnapshot(state);
  return { ...encoded, openReservations: [...encoded.openReservations].sort() };
};

async function latestSnapshot(streamName: string) {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const stored = await admin.readLastEvent(snapshotStreamOf(streamName));
    if (stored) return stored as typeof stored & { data: { revision: string; position: string; state: unknown } };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no snapshot of ${streamName} within 10 s`);
}

describe('a hot sku with 100,000 events and no snapshot yet', () => {
  const sku = `HOT-${uuid().slice(0, 8)}`;
  const streamName = inventoryStream(sku);
  const history = hotSkuHistory({ sku, events: 100_000, seed: 3 });
  const settled = history.findLast((event) => event.type === 'StockCommitted')!.data.orderId;

  beforeAll(async () => {
    await appendHistory(streamName, history);
  }, 180_000);

  it('is read whole once, which leaves a snapshot; after a restart a command reads only the snapshot and what follows', async () => {
    const lastOfHistory = await admin.readLastEvent(streamName);
    const first = startProcess();
    const newOrder = uuid();
    const reserved = await handleInventoryCommand(first.deps, { type: 'ReserveStock', data: { sku, orderId: newOrder, quantity: 1 } }, context());
    expect(reserved.events.map((event) => event.type)).toEqual(['StockReserved']);
    expect(first.loads).toEqual([{ command: 'ReserveStock', from: 'stream', eventsRead: 100_000 }]);

    // The snapshot sums up the 100,000 events read (the history appended, folded here without the
    // store); it is written after the answer.
    const snapshot = await latestSnapshot(streamName);
    expect(snapshot.type).toBe(SNAPSHOT_EVENT_TYPE);
    expect(snapshot.data.revision).toBe('99999');
    expect(snapshot.data.position).toBe(lastOfHistory?.position.toString());
    const fullAtSnapshot = history.reduce(inventoryDecider.evolve, inventoryDecider.initialState);
    expect(comparable(inventorySnapshots.decode(snapshot.data.state))).toEqual(comparable(fullAtSnapshot));
    const full = reserved.events.reduce(inventoryDecider.evolve, fullAtSnapshot);

    // A restart: a new client and an empty cache. The redelivered request of an order committed long ago
    // is a no-op, decided on the snapshot and the one event after it, answered with the stream's position.
    const restarted = startProcess();
    const redelivered = await handleInventoryCommand(restarted.deps, { type: 'ReserveStock', data: { sku, orderId: settled, quantity: 2 } }, context());
    expect(redelivered.events).toEqual([]);
    expect(redelivered.position).toBe(reserved.position);
    expect(restarted.loads).toEqual([{ command: 'ReserveStock', from: 'snapshot', eventsRead: 1 }]);
    expect(comparable(redelivered.state)).toEqual(comparable(full));

    const released = await handleInventoryCommand(restarted.deps, { type: 'ReleaseStock', data: { sku, orderId: newOrder } }, context());
    expect(released.events).toEqual([{ type: 'StockReleased', data: { sku, orderId: newOrder, quantity: 1 } }]);
    expect(comparable(released.state)).toEqual(comparable(released.events.reduce(inventoryDecider.evolve, full)));
    expect(restarted.loads.map((load) => load.from)).toEqual(['snapshot', 'cache']);
  }, 180_000);
});

describe('a stream whose latest snapshot does not decode', () => {
  it('is read whole, and the command answers as if there were no snapshot', async () => {
    const sku = `BADSNAP-${uuid().slice(0, 8)}`;
    const orderId = uuid();
    await appendHistory(inventoryStream(sku), [
      { type: 'StockReceived', data: { sku, quantity: 5 } },
      { type: 'StockReserved', data: { sku, orderId, quantity: 3 } },
    ]);
    await admin.append(snapshotStreamOf(inventoryStream(sku)), [{ id: uuid(), type: SNAPSHOT_EVENT_TYPE, data: { revision: '1', position: '1', state: { onHand: 'lots' } } }], 'any');

    const process = startProcess();
    const committed = await handleInventoryCommand(process.deps, { type: 'CommitStock', data: { sku, orderId } }, context());
    expect(committed.events).toEqual([{ type: 'StockCommitted', data: { sku, orderId, quantity: 3 } }]);
    expect(process.loads).toEqual([{ command: 'CommitStock', from: 'stream', eventsRead: 2 }]);
  });
});

describe('a stream growing past multiples of its snapshot interval', () => {
  it('gets a snapshot of the state at each multiple it crosses, which a restarted process then starts from', async () => {
    const sku = `EVERY-${uuid().slice(0, 8)}`;
    const streamName = inventoryStream(sku);
    const process = startProcess();
    const receive = (quantity: number, deps = process.deps) =>
      handleCommand(deps, {
        decider: inventoryDecider,
        decode,
        streamName,
        command: { type: 'ReceiveStock', data: { sku, quantity } },
        context: context(),
        snapshot: { ...inventorySnapshots, every: 3 },
      });
    await receive(1);
    await receive(2);
    expect(await admin.readLastEvent(snapshotStreamOf(streamName))).toBeUndefined();
    await receive(3);
    expect((await latestSnapshot(streamName)).data.revision).toBe('2');
    await receive(4);
    await receive(5);
    const crossed = await receive(6);
    await expect.poll(async () => (await latestSnapshot(streamName)).data.revision).toBe('5');
    expect((await latestSnapshot(streamName)).data.position).toBe(crossed.position?.toString());

    const restarted = startProcess();
    const after = await receive(7, restarted.deps);
    expect(after.state.onHand).toBe(28);
    expect(restarted.loads).toEqual([{ command: 'ReceiveStock', from: 'snapshot', eventsRead: 0 }]);
  });
});

describe('a command with an idempotency key whose first run sits before the latest snapshot', () => {
  it('still finds that run and answers with its position, appending nothing', async () => {
    const sku = `KEYED-${uuid().slice(0, 8)}`;
    const streamName = inventoryStream(sku);
    const process = startProcess();
    const receive = (quantity: number, keyed?: { idSeed: string; lookForEarlierRun: true }) =>
      handleCommand(process.deps, {
        decider: inventoryDecider,
        decode,
        streamName,
        command: { type: 'ReceiveStock', data: { sku, quantity } },
        context: { ...context(), ...keyed },
        snapshot: { ...inventorySnapshots, every: 3 },
      });
    const keyed = { idSeed: `POST /inventory/${sku}/receipts ${uuid()}`, lookForEarlierRun: true as const };
    const first = await receive(7, keyed);
    for (const quantity of [1, 2, 3, 4, 5]) await receive(quantity);
    await expect.poll(async () => (await latestSnapshot(streamName)).data.revision).toBe('5');

    const retried = await receive(7, keyed);
    expect(retried.position).toBe(first.position);
    expect(retried.events).toEqual(first.events);
    expect((await admin.readStream(streamName, decode)).events).toHaveLength(6);
  });
});
