import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuid } from 'uuid';
import { handleInventoryCommand } from '../../command-services/inventory/handle-inventory-command.ts';
import type { CommandDependencies } from '../../command-services/shared/command-dependencies.ts';
import { noCommandMetrics } from '../../command-services/shared/command-metrics.ts';
import { inventoryEvent, inventoryStream } from '../../domain/inventory/index.ts';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { testEnvironment } from '../support/environment.ts';

let eventStore: EventStore;
let deps: CommandDependencies;
beforeAll(() => {
  eventStore = createEventStore({ url: testEnvironment().esdbUrl, logger: createLogger({ level: 'silent' }) });
  deps = { eventStore, metrics: noCommandMetrics };
});
afterAll(() => eventStore.close());

const context = () => ({ correlationId: uuid(), causationId: uuid() });

describe('an item with 10 units on hand, asked concurrently by 50 orders for one unit each', () => {
  it('reserves exactly 10 units and rejects the other 40: no oversell', async () => {
    const sku = `HOT-${uuid()}`;
    await handleInventoryCommand(deps, { type: 'ReceiveStock', data: { sku, quantity: 10 } }, context());

    // Five clients stand for five processes: within one, writers to a stream queue up; across
    // them, only the expected revision keeps the stock from being oversold.
    const writers = Array.from({ length: 5 }, () => ({
      eventStore: createEventStore({ url: testEnvironment().esdbUrl, logger: createLogger({ level: 'silent' }) }),
      metrics: noCommandMetrics,
    }));
    const orders = Array.from({ length: 50 }, () => uuid());
    await Promise.all(
      orders.map((orderId, index) =>
        handleInventoryCommand(writers[index % 5]!, { type: 'ReserveStock', data: { sku, orderId, quantity: 1 } }, context(), {
          maxAttempts: 200,
        }),
      ),
    );
    await Promise.all(writers.map((writer) => writer.eventStore.close()));

    const stored = await eventStore.readStream(inventoryStream(sku), (e) => inventoryEvent.parse(e));
    const types = stored.events.map((e) => e.decoded.type);
    expect(types.filter((t) => t === 'StockReserved')).toHaveLength(10);
    expect(types.filter((t) => t === 'StockReservationRejected')).toHaveLength(40);
    const decidedOrders = stored.events.flatMap((e) => ('orderId' in e.decoded.data ? [e.decoded.data.orderId] : []));
    expect(new Set(decidedOrders)).toEqual(new Set(orders));
  });

  it('treats a repeated reservation for the same order as a no-op', async () => {
    const sku = `REP-${uuid()}`;
    const orderId = uuid();
    await handleInventoryCommand(deps, { type: 'ReceiveStock', data: { sku, quantity: 5 } }, context());
    const reserve = { type: 'ReserveStock' as const, data: { sku, orderId, quantity: 2 } };
    const first = await handleInventoryCommand(deps, reserve, context());
    const again = await handleInventoryCommand(deps, reserve, context());

    expect(first.events.map((e) => e.type)).toEqual(['StockReserved']);
    expect(again.events).toEqual([]);
    expect(again.position).toBe(first.position);
  });
});

describe('a command seeded with an idempotency key whose first run lost its reply', () => {
  it('finds the events of its first run and answers with their position instead of deciding again', async () => {
    const sku = `SEED-${uuid()}`;
    const seeded = { ...context(), idSeed: `POST /inventory/${sku}/receipts ${uuid()}`, lookForEarlierRun: true };
    const receive = { type: 'ReceiveStock' as const, data: { sku, quantity: 3 } };
    const first = await handleInventoryCommand(deps, receive, seeded);
    const retried = await handleInventoryCommand(deps, receive, seeded);

    expect(retried.position).toBe(first.position);
    expect(retried.events).toEqual(first.events);
    const stored = await eventStore.readStream(inventoryStream(sku), (e) => inventoryEvent.parse(e));
    expect(stored.events).toHaveLength(1);
  });
});
