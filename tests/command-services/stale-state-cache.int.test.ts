import { afterAll, describe, expect, it } from 'vitest';
import { v4 as uuid } from 'uuid';
import { handleInventoryCommand } from '../../command-services/inventory/handle-inventory-command.ts';
import type { CommandDependencies } from '../../command-services/shared/command-dependencies.ts';
import { handleCommand } from '../../command-services/shared/handle-command.ts';
import { StreamStateCache } from '../../command-services/shared/stream-state-cache.ts';
import { inventoryEvent, inventoryStream, type InventoryCommand } from '../../domain/inventory/index.ts';
import { productDecider, productEvent, productStream, type ProductCommand } from '../../domain/product/index.ts';
import { DomainError } from '../../domain/shared/index.ts';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { testEnvironment } from '../support/environment.ts';
import { recordingMetrics } from './recording-metrics.ts';

/**
 * Two processes on one event store, each with its own state cache: whatever one writes makes the
 * other's cached state stale. The cache may save a read before an append (the expected revision
 * checks it), but a no-op or a refusal decided on it must be confirmed on what is stored.
 */
const logger = createLogger({ level: 'silent' });
const opened: EventStore[] = [];
afterAll(() => Promise.all(opened.map((store) => store.close())));

function startProcess() {
  const eventStore = createEventStore({ url: testEnvironment().esdbUrl, logger });
  opened.push(eventStore);
  const metrics = recordingMetrics();
  const deps: CommandDependencies = { eventStore, metrics, streamStates: new StreamStateCache() };
  return { deps, eventStore, loads: metrics.loads };
}

const context = () => ({ correlationId: uuid(), causationId: uuid() });
const inventory = (deps: CommandDependencies, command: InventoryCommand) => handleInventoryCommand(deps, command, context());
const catalog = (deps: CommandDependencies, command: ProductCommand) =>
  handleCommand(deps, {
    decider: productDecider,
    decode: (event) => productEvent.parse(event),
    streamName: productStream(command.data.sku),
    command,
    context: context(),
  });
const refusalOf = (work: Promise<unknown>) => work.then(() => undefined, (error: unknown) => (error instanceof DomainError ? error.code : error));

describe('a process whose cached stock predates a reservation another process made', () => {
  it('releases the reservation it cannot see in its cache instead of answering "nothing held"', async () => {
    const [first, second] = [startProcess(), startProcess()];
    const sku = `STALE-${uuid().slice(0, 8)}`;
    const orderId = uuid();
    await inventory(first.deps, { type: 'ReceiveStock', data: { sku, quantity: 5 } });
    await inventory(second.deps, { type: 'ReserveStock', data: { sku, orderId, quantity: 3 } });

    first.loads.length = 0;
    const released = await inventory(first.deps, { type: 'ReleaseStock', data: { sku, orderId } });
    expect(released.events).toEqual([{ type: 'StockReleased', data: { sku, orderId, quantity: 3 } }]);
    expect(first.loads.map((load) => load.from)).toEqual(['cache', 'stream']);

    const stored = await first.eventStore.readStream(inventoryStream(sku), (event) => inventoryEvent.parse(event));
    expect(stored.events.map((event) => event.type)).toEqual(['StockReceived', 'StockReserved', 'StockReleased']);
  });

  it('answers a repeated request that really is a no-op with the position of the stream’s last event', async () => {
    const [first, second] = [startProcess(), startProcess()];
    const sku = `STALE-${uuid().slice(0, 8)}`;
    const orderId = uuid();
    await inventory(first.deps, { type: 'ReceiveStock', data: { sku, quantity: 5 } });
    await inventory(first.deps, { type: 'ReserveStock', data: { sku, orderId, quantity: 3 } });
    const committed = await inventory(second.deps, { type: 'CommitStock', data: { sku, orderId } });

    // The first process still sees the reservation open; the stream has moved on past it.
    const again = await inventory(first.deps, { type: 'ReserveStock', data: { sku, orderId, quantity: 3 } });
    expect(again.events).toEqual([]);
    expect(again.position).toBe(committed.position);
    expect(again.state.onHand).toBe(2);
  });
});

describe('a process whose cached product predates a price change another process made', () => {
  it('records a change back to the price it remembers instead of answering "already that price"', async () => {
    const [first, second] = [startProcess(), startProcess()];
    const sku = `STALE-${uuid().slice(0, 8)}`;
    await catalog(first.deps, { type: 'AddProduct', data: { sku, name: 'Stale', price: 100, currency: 'EUR' } });
    await catalog(second.deps, { type: 'ChangeProductPrice', data: { sku, price: 200 } });

    const back = await catalog(first.deps, { type: 'ChangeProductPrice', data: { sku, price: 100 } });
    expect(back.events).toEqual([{ type: 'ProductPriceChanged', data: { sku, price: 100 } }]);
    const stored = await first.eventStore.readStream(productStream(sku), (event) => productEvent.parse(event));
    expect(stored.events.map((event) => event.decoded)).toEqual([
      { type: 'ProductAdded', data: { sku, name: 'Stale', price: 100, currency: 'EUR' } },
      { type: 'ProductPriceChanged', data: { sku, price: 200 } },
      { type: 'ProductPriceChanged', data: { sku, price: 100 } },
    ]);
  });
});

describe('a process that cached a product as missing, which another process then added', () => {
  it('changes its price instead of refusing with product_not_found', async () => {
    const [first, second] = [startProcess(), startProcess()];
    const sku = `STALE-${uuid().slice(0, 8)}`;
    expect(await refusalOf(catalog(first.deps, { type: 'ChangeProductPrice', data: { sku, price: 300 } }))).toBe('product_not_found');
    await catalog(second.deps, { type: 'AddProduct', data: { sku, name: 'Late', price: 100, currency: 'EUR' } });

    first.loads.length = 0;
    const changed = await catalog(first.deps, { type: 'ChangeProductPrice', data: { sku, price: 300 } });
    expect(changed.events).toEqual([{ type: 'ProductPriceChanged', data: { sku, price: 300 } }]);
    expect(first.loads.map((load) => load.from)).toEqual(['cache', 'stream']);
  });

  it('still refuses what the stored stream refuses: a refusal confirmed afresh stands', async () => {
    const first = startProcess();
    const sku = `STALE-${uuid().slice(0, 8)}`;
    await catalog(first.deps, { type: 'AddProduct', data: { sku, name: 'Once', price: 100, currency: 'EUR' } });
    expect(await refusalOf(catalog(first.deps, { type: 'AddProduct', data: { sku, name: 'Twice', price: 1, currency: 'EUR' } }))).toBe(
      'product_already_exists',
    );
    expect(first.loads.map((load) => load.from)).toEqual(['stream', 'cache', 'stream']);
  });
});
