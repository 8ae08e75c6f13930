import { afterAll, describe, expect, it } from 'vitest';
import { v4 as uuid } from 'uuid';
import type { CommandDependencies } from '../../command-services/shared/command-dependencies.ts';
import { handleCommand } from '../../command-services/shared/handle-command.ts';
import { StreamStateCache } from '../../command-services/shared/stream-state-cache.ts';
import { orderDecider, orderEvent, orderStream, type OrderCommand } from '../../domain/order/index.ts';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { testEnvironment } from '../support/environment.ts';
import { recordingMetrics } from './recording-metrics.ts';

/**
 * A command that usually creates its stream skips the read of a stream that does not exist yet: it
 * decides on the initial state and appends expecting no stream. When the stream exists after all (a
 * redelivery, another process), the store refuses the append, or the no-op or refusal decided on the
 * assumed state is confirmed on what is stored: the outcome is always that of the stored state.
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

const place = (orderId: string): OrderCommand => ({
  type: 'PlaceOrder',
  data: {
    orderId,
    customerId: 'customer-new-stream',
    lines: [{ sku: 'MUG-001', quantity: 1, unitPrice: 1299, currency: 'EUR' }],
    payment: { token: 'tok_ok' },
  },
});

const run = (deps: CommandDependencies, command: OrderCommand, seed: string) =>
  handleCommand(deps, {
    decider: orderDecider,
    decode: (event) => orderEvent.parse(event),
    streamName: orderStream(command.data.orderId),
    command,
    context: { correlationId: seed, causationId: seed, idSeed: seed },
    expectNewStream: true,
  });

describe('a command expecting a new stream', () => {
  it('appends without reading when the stream is indeed new', async () => {
    const { deps, eventStore, loads } = startProcess();
    const orderId = uuid();
    const outcome = await run(deps, place(orderId), uuid());
    expect(outcome.events.map((event) => event.type)).toEqual(['OrderPlaced']);
    expect(loads).toEqual([{ command: 'PlaceOrder', from: 'assumed_new', eventsRead: 0 }]);
    expect((await eventStore.readStream(orderStream(orderId), (event) => event)).events).toHaveLength(1);
  });

  it('runs on the stored state when the stream exists: a repeat in another process appends nothing', async () => {
    const first = startProcess();
    const second = startProcess();
    const orderId = uuid();
    await run(first.deps, place(orderId), uuid());
    await expect(run(second.deps, place(orderId), uuid())).rejects.toMatchObject({ code: 'order_already_placed' });
    expect(second.loads.map((load) => load.from)).toEqual(['assumed_new', 'stream']);
    expect((await first.eventStore.readStream(orderStream(orderId), (event) => event)).events).toHaveLength(1);
  });

  it('confirms a refusal decided on the assumed state: confirming an order placed elsewhere succeeds', async () => {
    const first = startProcess();
    const second = startProcess();
    const orderId = uuid();
    await run(first.deps, place(orderId), uuid());
    const confirmed = await run(second.deps, { type: 'ConfirmOrder', data: { orderId } }, uuid());
    expect(confirmed.events.map((event) => event.type)).toEqual(['OrderConfirmed']);
    expect(second.loads.map((load) => load.from)).toEqual(['assumed_new', 'stream']);
  });
});
