import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, EventStoreUnavailableError, type EventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { createSharedTail } from '../../infra/subscriptions/index.ts';
import { testEnvironment } from '../support/environment.ts';
import { hostAndPort, startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { appendMixed, eventsInAll, expectWellOrdered, TailReader } from './tail-reader.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
let store: EventStore;
let proxy: TcpProxy;
let proxied: EventStore;

beforeAll(async () => {
  store = createEventStore({ url: testEnvironment().esdbUrl, logger });
  proxy = await startTcpProxy(hostAndPort(testEnvironment().esdbUrl));
  proxied = createEventStore({ url: `esdb://127.0.0.1:${proxy.port}?tls=false`, logger, timeoutMs: 2_000 });
});
afterAll(async () => {
  await proxy.up();
  await proxied.close();
  await proxy.close();
  await store.close();
});

describe('the shared tail when the event store becomes unreachable', () => {
  it('fails every group reading it with the store error, leaves groups that closed alone, and starts again for the next group', async () => {
    const tail = createSharedTail({ eventStore: proxied, logger });
    const from = await store.headPosition();
    const one = new TailReader(tail.subscribe({ from, handles: ['TailTestA'] }));
    const two = new TailReader(tail.subscribe({ from, handles: ['TailTestA', 'TailTestB'] }));
    const before = await appendMixed(store, 6, ['TailTestA', 'TailTestB']);
    await Promise.all([one.readTo(before), two.readTo(before)]);

    const failing = [readToFailure(one), readToFailure(two)];
    await proxy.down();
    for (const failure of await Promise.all(failing)) expect(failure).toBeInstanceOf(EventStoreUnavailableError);
    expect(tail.status().running).toBe(false);
    const during = await appendMixed(store, 6, ['TailTestA', 'TailTestB']); // straight to the store
    // As a runner does after a failed session: close, back off, subscribe again from its checkpoint.
    await Promise.all([one.subscription.close(), two.subscription.close()]);
    expect(tail.status().consumers).toBe(0);

    await proxy.up();
    const checkpoint = one.considered!;
    const again = new TailReader(tail.subscribe({ from: checkpoint, handles: ['TailTestA'] }));
    const after = await appendMixed(store, 6, ['TailTestA', 'TailTestB']);
    await again.readTo(after);
    expect(during).toBeLessThan(after);
    expect([...one.events, ...again.events]).toEqual(await eventsInAll(store, from, after, ['TailTestA']));
    expectWellOrdered(again.messages, checkpoint);
    expect(tail.status()).toMatchObject({ running: true, consumers: 1 });
    await again.subscription.close();
    await tail.close();
  });

  it('fails a group that subscribes while the store is down, as its own subscription would', async () => {
    const tail = createSharedTail({ eventStore: proxied, logger });
    await proxy.down();
    const reader = new TailReader(tail.subscribe({ from: 'start', handles: ['TailTestA'] }));
    expect(await readToFailure(reader)).toBeInstanceOf(EventStoreUnavailableError);
    await reader.subscription.close();
    await proxy.up();
    await tail.close();
  });
});

/** Reads on until the iteration throws: what it threw. */
async function readToFailure(reader: TailReader): Promise<unknown> {
  try {
    for (;;) if ((await reader.next()) === undefined) return new Error('ended without failing');
  } catch (error) {
    return error;
  }
}
