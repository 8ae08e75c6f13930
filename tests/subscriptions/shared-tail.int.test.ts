import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { createSharedTail, registerSharedTailMetrics, type SharedTail } from '../../infra/subscriptions/index.ts';
import { testEnvironment } from '../support/environment.ts';
import { eventually } from './counter-projection.ts';
import { appendMixed, eventsInAll, expectWellOrdered, TailReader } from './tail-reader.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
const types = ['TailTestA', 'TailTestB', 'TailTestNoise'];
let store: EventStore;
const tails: SharedTail[] = [];

beforeAll(() => {
  store = createEventStore({ url: testEnvironment().esdbUrl, logger });
});
afterAll(async () => {
  await Promise.all(tails.map((tail) => tail.close()));
  await store.close(); // hangs if a read of a tail or of a consumer was left half-way
});

const sharedTail = (options: { maxEntries?: number } = {}) => {
  const tail = createSharedTail({ eventStore: store, logger, ...options });
  tails.push(tail);
  return tail;
};

describe('the shared tail of $all', () => {
  it('gives two groups at different positions exactly the events of their types after their from, as readAll has them', async () => {
    const tail = sharedTail();
    const before = await store.headPosition();
    const middle = await appendMixed(store, 20, types);
    await appendMixed(store, 20, types);
    const onlyA = new TailReader(tail.subscribe({ from: before, handles: ['TailTestA'] }));
    const aAndB = new TailReader(tail.subscribe({ from: middle, handles: ['TailTestA', 'TailTestB'] }));
    const writing = appendMixed(store, 60, types);
    await onlyA.readEvents(5); // reading while the writer appends
    const last = await writing;
    await Promise.all([onlyA.readTo(last), aAndB.readTo(last)]);

    expect(onlyA.events).toEqual(await eventsInAll(store, before, last, ['TailTestA']));
    expect(aAndB.events).toEqual(await eventsInAll(store, middle, last, ['TailTestA', 'TailTestB']));
    expectWellOrdered(onlyA.messages, before);
    expectWellOrdered(aAndB.messages, middle);
    expect(tail.status().joined).toBe(2);
    await Promise.all([onlyA.subscription.close(), aAndB.subscription.close()]);
  });

  it('hands a group over from its own catch-up to the tail under concurrent appends, with no gap and no duplicate', async () => {
    const tail = sharedTail({ maxEntries: 64 });
    const before = await store.headPosition();
    await appendMixed(store, 200, types);
    const reader = new TailReader(tail.subscribe({ from: before, handles: ['TailTestA', 'TailTestB'] }));
    const writers = Promise.all(Array.from({ length: 4 }, () => appendMixed(store, 100, types)));
    await reader.readEvents(10);
    const last = (await writers).reduce((a, b) => (a > b ? a : b));
    await reader.readTo(last);
    // The pull that waits for the next event joins the tail, if catching up had not already.
    const sentinel = await appendMixed(store, 1, ['TailTestA']);
    await reader.readTo(sentinel);

    expect(reader.events).toEqual(await eventsInAll(store, before, sentinel, ['TailTestA', 'TailTestB']));
    expectWellOrdered(reader.messages, before);
    expect(tail.status().joined).toBeGreaterThanOrEqual(1);
    await reader.subscription.close();
  });

  it('lets a slow group fall out of its bounded ring, read on its own and rejoin, exactly; the fast group goes on', async () => {
    const tail = sharedTail({ maxEntries: 16 });
    const from = await store.headPosition();
    const fast = new TailReader(tail.subscribe({ from, handles: ['TailTestA'] }));
    const slow = new TailReader(tail.subscribe({ from, handles: ['TailTestA'] }));
    const first = await appendMixed(store, 6, ['TailTestA']);
    await Promise.all([fast.readTo(first), slow.readTo(first)]);

    // The slow group reads nothing while 100 events pass (34 of its type): far more than the ring holds.
    const [last] = await Promise.all([appendMixed(store, 100, types), fast.readEvents(34)]);
    await slow.readTo(last);
    const sentinel = await appendMixed(store, 1, ['TailTestA']);
    await Promise.all([fast.readTo(sentinel), slow.readTo(sentinel)]);

    const expected = await eventsInAll(store, from, sentinel, ['TailTestA']);
    expect(slow.events).toEqual(expected);
    expect(fast.events).toEqual(expected);
    expectWellOrdered(slow.messages, from);
    expect(tail.status().fellBehind).toBeGreaterThanOrEqual(1);
    expect(tail.status().joined).toBeGreaterThanOrEqual(3); // fast once, slow before and after it fell behind
    await Promise.all([fast.subscription.close(), slow.subscription.close()]);
  });

  it("covers events of other types: a checkpoint per 32 of them, and the quiet position up to the last one received once it waits", async () => {
    const tail = sharedTail();
    const from = await store.headPosition();
    const subscription = tail.subscribe({ from, handles: ['TailTestA'], checkpointEvery: 32 });
    const reader = new TailReader(subscription);
    await reader.readCaughtUp();
    await appendMixed(store, 40, ['TailTestNoise']);
    const checkpoints = () => reader.messages.filter((message) => message.kind === 'checkpoint').length;
    const before = checkpoints();
    while (checkpoints() === before) await reader.next(); // one after the 32nd dropped at the latest
    const last = await appendMixed(store, 5, ['TailTestNoise']);
    const waiting = reader.next(); // it waits at the end of the ring
    await eventually(() => (subscription.quietPosition?.() ?? 0n) >= last);

    expect(reader.events).toEqual([]);
    expect(reader.messages.filter((message) => message.kind === 'caught-up')).toHaveLength(1);
    await subscription.close();
    await waiting;
    expect(subscription.quietPosition?.()).toBeUndefined(); // no longer waiting
  });

  it('closing one group ends its iteration only; the last one out stops the tail, and the next one starts it again', async () => {
    const tail = sharedTail();
    const from = await store.headPosition();
    const staying = new TailReader(tail.subscribe({ from, handles: ['TailTestA'] }));
    const leaving = new TailReader(tail.subscribe({ from, handles: ['TailTestA'] }));
    const first = await appendMixed(store, 3, ['TailTestA']);
    await Promise.all([staying.readTo(first), leaving.readTo(first)]);

    const waiting = leaving.next(); // waits at the end of the ring
    await leaving.subscription.close();
    await waiting; // the end (or a checkpoint of another test's appends that came first)
    expect(await leaving.next()).toBeUndefined();
    const second = await appendMixed(store, 3, ['TailTestA']);
    await staying.readTo(second);
    expect(staying.events).toEqual(await eventsInAll(store, from, second, ['TailTestA']));
    expect(tail.status()).toMatchObject({ running: true, consumers: 1 });

    await staying.subscription.close();
    expect(tail.status()).toMatchObject({ running: false, consumers: 0 });

    const again = new TailReader(tail.subscribe({ from: second, handles: ['TailTestA'] }));
    const third = await appendMixed(store, 2, ['TailTestA']);
    await again.readTo(third);
    expect(again.events).toEqual(await eventsInAll(store, second, third, ['TailTestA']));
    expect(tail.status()).toMatchObject({ running: true, consumers: 1 });
    await again.subscription.close();
  });

  it('shows on /metrics whether it runs, its groups, and how often they joined or fell behind', async () => {
    const tail = sharedTail();
    const registry = new Registry();
    registerSharedTailMetrics(registry, tail);
    const from = await store.headPosition();
    const reader = new TailReader(tail.subscribe({ from, handles: ['TailTestA'] }));
    const last = await appendMixed(store, 2, ['TailTestA']);
    await reader.readTo(last);
    const text = await registry.metrics();
    expect(text).toMatch(/^shared_tail_running 1$/m);
    expect(text).toMatch(/^shared_tail_groups 1$/m);
    expect(text).toMatch(/^shared_tail_joins_total 1$/m);
    expect(text).toMatch(/^shared_tail_fell_behind_total 0$/m);
    await reader.subscription.close();
    expect(await registry.metrics()).toMatch(/^shared_tail_running 0$/m);
  });

  it('refuses new groups once closed', async () => {
    const tail = sharedTail();
    await tail.close();
    expect(() => tail.subscribe({ from: 'start', handles: ['TailTestA'] })).toThrow(/closed/);
  });
});
