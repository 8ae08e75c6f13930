import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuid } from 'uuid';
import {
  createEventStore,
  EventDecodingError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type EventStore,
  type NewEvent,
  type SubscriptionMessage,
} from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { testEnvironment } from '../support/environment.ts';

const logger = createLogger({ level: 'silent' });
const anyEvent = (event: { type: string; data: unknown }) => event;
const counted = (n: number): NewEvent => ({ id: uuid(), type: 'Counted', data: { n }, metadata: { correlationId: 'c-1' } });

let store: EventStore;
beforeAll(() => {
  store = createEventStore({ url: testEnvironment().esdbUrl, logger });
});
afterAll(() => store.close());

describe('appending with the revision that was read', () => {
  it('creates a stream only when it does not exist yet', async () => {
    const stream = `counter-${uuid()}`;
    const first = await store.append(stream, [counted(1), counted(2)], 'no_stream');
    expect(first.nextRevision).toBe(1n);
    expect(first.position).toBeGreaterThan(0n);

    await expect(store.append(stream, [counted(3)], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
  });

  it('refuses a stale revision and names the actual one', async () => {
    const stream = `counter-${uuid()}`;
    await store.append(stream, [counted(1), counted(2)], 'no_stream');
    const error = await store.append(stream, [counted(3)], 0n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect((error as WrongExpectedRevisionError).actual).toBe(1n);

    const next = await store.append(stream, [counted(3)], 1n);
    expect(next.nextRevision).toBe(2n);
  });

  it('answers a retried append with the same event ids with the original position and writes nothing', async () => {
    const stream = `counter-${uuid()}`;
    const events = [counted(1)];
    const first = await store.append(stream, events, 'no_stream');
    const retried = await store.append(stream, events, 'no_stream');
    expect(retried).toEqual(first);
    expect((await store.readStream(stream, anyEvent)).events).toHaveLength(1);
  });
});

describe('reading a stream', () => {
  it('returns every event decoded, with its revision, position and metadata', async () => {
    const stream = `counter-${uuid()}`;
    const appended = await store.append(stream, [counted(1), counted(2)], 'no_stream');
    const read = await store.readStream(stream, (e) => ({ n: (e.data as { n: number }).n }));

    expect(read.revision).toBe(1n);
    expect(read.events.map((e) => e.decoded.n)).toEqual([1, 2]);
    expect(read.events.map((e) => e.revision)).toEqual([0n, 1n]);
    expect(read.events[1]?.position).toBe(appended.position);
    expect(read.events[0]?.metadata).toEqual({ correlationId: 'c-1' });
    expect(read.events[0]?.streamName).toBe(stream);
  });

  it('reports a stream that does not exist as no_stream with no events', async () => {
    const read = await store.readStream(`counter-${uuid()}`, anyEvent);
    expect(read).toEqual({ events: [], revision: 'no_stream' });
  });

  it('fails with EventDecodingError when a stored event does not match its schema', async () => {
    const stream = `counter-${uuid()}`;
    await store.append(stream, [counted(1)], 'no_stream');
    const strict = () => {
      throw new Error('unknown event');
    };
    await expect(store.readStream(stream, strict)).rejects.toBeInstanceOf(EventDecodingError);
  });
});

describe('reading a stream from a revision', () => {
  it('returns the events from that revision to the end, decoded, oldest first', async () => {
    const stream = `counter-${uuid()}`;
    await store.append(stream, [counted(1), counted(2), counted(3), counted(4)], 'no_stream');
    const tail = await store.readStreamFrom(stream, 2n, (e) => (e.data as { n: number }).n);
    expect(tail === 'no_stream' ? tail : tail.map((e) => [e.revision, e.decoded])).toEqual([
      [2n, 3],
      [3n, 4],
    ]);
  });

  it('returns nothing past the last event, and no_stream for a stream that does not exist', async () => {
    const stream = `counter-${uuid()}`;
    await store.append(stream, [counted(1)], 'no_stream');
    expect(await store.readStreamFrom(stream, 1n, anyEvent)).toEqual([]);
    expect(await store.readStreamFrom(`counter-${uuid()}`, 0n, anyEvent)).toBe('no_stream');
  });
});

describe('reading the last event of a stream', () => {
  it('returns the newest event as stored, or undefined when the stream does not exist', async () => {
    const stream = `counter-${uuid()}`;
    const appended = await store.append(stream, [counted(1), counted(2)], 'no_stream');
    const last = await store.readLastEvent(stream);
    expect(last?.data).toEqual({ n: 2 });
    expect(last?.revision).toBe(1n);
    expect(last?.position).toBe(appended.position);
    expect(await store.readLastEvent(`counter-${uuid()}`)).toBeUndefined();
  });
});

describe('capping a stream with $maxCount', () => {
  it('leaves only the newest events readable', async () => {
    const stream = `counter-${uuid()}`;
    await store.append(stream, [counted(1), counted(2), counted(3)], 'no_stream');
    await store.setStreamMaxCount(stream, 2);
    const read = await store.readStream(stream, (e) => (e.data as { n: number }).n);
    expect(read.events.map((e) => e.decoded)).toEqual([2, 3]);
    expect((await store.readLastEvent(stream))?.data).toEqual({ n: 3 });
  });
});

describe('subscribing to $all with a filter', () => {
  it('delivers matching events after the start position, then checkpoints and caught-up in log order', async () => {
    const prefix = `sub${uuid().replaceAll('-', '')}-`;
    const before = await store.append(`${prefix}a`, [counted(0)], 'no_stream');
    await store.append(`${prefix}a`, [counted(1), counted(2)], 0n);

    const subscription = store.subscribeToAll({ from: before.position, filter: { on: 'stream', prefixes: [prefix] }, checkpointEvery: 1 });
    const seen: SubscriptionMessage[] = [];
    let liveAppended = false;
    for await (const message of subscription) {
      seen.push(message);
      if (message.kind === 'caught-up' && !liveAppended) {
        liveAppended = true;
        await store.append(`${prefix}b`, [counted(3)], 'no_stream');
      }
      if (message.kind === 'event' && message.event.data && (message.event.data as { n: number }).n === 3) break;
    }
    await subscription.close();

    const events = seen.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
    expect(events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
    expect(seen.some((m) => m.kind === 'caught-up')).toBe(true);

    // A checkpoint never runs ahead of an event it covers: every event after it lies beyond it.
    let lastCheckpoint = -1n;
    for (const message of seen) {
      if (message.kind === 'checkpoint') {
        expect(message.position).toBeGreaterThanOrEqual(lastCheckpoint);
        lastCheckpoint = message.position;
      }
      if (message.kind === 'event') expect(message.event.position).toBeGreaterThan(lastCheckpoint);
    }
    expect(lastCheckpoint).toBeGreaterThan(before.position);
  });
});

describe('an event store that does not answer', () => {
  let silent: Server;
  let silentPort = 0;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts TCP connections and never says a word: the worst kind of outage for a client.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('makes reads fail with EventStoreUnavailableError within the bound instead of hanging', async () => {
    const stalled = createEventStore({ url: `esdb://127.0.0.1:${silentPort}?tls=false`, logger, timeoutMs: 300 });
    await expect(stalled.readStream('counter-1', anyEvent)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(stalled.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await stalled.close();
  });

  it('makes appends fail with EventStoreUnavailableError when nothing listens', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const down = createEventStore({ url: `esdb://127.0.0.1:${closedPort}?tls=false`, logger, timeoutMs: 300 });
    await expect(down.append('counter-1', [counted(1)], 'any')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await down.close();
  });
});
