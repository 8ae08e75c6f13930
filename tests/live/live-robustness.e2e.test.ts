import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectLive, type LiveFrame } from '../support/live-client.ts';
import { metricValue, useLiveSystem } from './support/live-system.ts';

const system = useLiveSystem({ maxSubscriptions: 3 });

/** A malformed message, and the error code its one answer must carry. */
interface Malformed {
  kind: string;
  /** Text or bytes sent as they are; an object is sent as JSON with the request's id added. */
  message: string | Buffer | Record<string, unknown>;
  error: string;
  /** The field a `details` entry names, when the refusal is a validation of the message. */
  path?: string;
}

const subscribeTo = (topic: string, extra: Record<string, unknown> = {}) => ({ op: 'subscribe', topic, ...extra });
// Valid JSON but above the message bound: refused by its size, before it is parsed.
const paddedTo = (bytes: number) => JSON.stringify({ ...subscribeTo('inventory'), pad: 'x'.repeat(bytes) });

const malformed: Malformed[] = [
  { kind: 'not JSON', message: '{"op":"subscribe",', error: 'invalid_message' },
  { kind: 'a binary frame', message: Buffer.from(JSON.stringify(subscribeTo('inventory'))), error: 'invalid_message' },
  { kind: 'JSON that is not an object', message: '[1,2,3]', error: 'unknown_op' },
  { kind: 'an unknown op', message: { op: 'dance', topic: 'inventory' }, error: 'unknown_op' },
  { kind: 'no topic', message: { op: 'subscribe' }, error: 'invalid_message', path: 'topic' },
  { kind: 'an unknown topic', message: subscribeTo('nope'), error: 'unknown_topic', path: 'topic' },
  { kind: 'an order topic whose key is no order id', message: subscribeTo('order:not-a-uuid'), error: 'unknown_topic', path: 'topic' },
  { kind: 'a negative fromPosition', message: subscribeTo('inventory', { fromPosition: '-1' }), error: 'invalid_message', path: 'fromPosition' },
  { kind: 'a fromPosition that is no number', message: subscribeTo('inventory', { fromPosition: 'abc' }), error: 'invalid_message', path: 'fromPosition' },
  { kind: 'a fromPosition above uint64', message: subscribeTo('inventory', { fromPosition: '18446744073709551616' }), error: 'invalid_message', path: 'fromPosition' },
  { kind: 'an unknown extra field', message: subscribeTo('inventory', { extra: true }), error: 'invalid_message' },
  { kind: 'a 5 KB text frame', message: paddedTo(5 * 1024), error: 'message_too_large' },
  { kind: 'a 200 KB text frame', message: paddedTo(200 * 1024), error: 'message_too_large' },
];

describe('/live receiving malformed messages', () => {
  it('answers each of 1,000 malformed messages with exactly one error frame, echoing its id, and the socket stays usable', async () => {
    const { baseUrl, addProduct, receive, stock } = system();
    const sku = await addProduct();
    const client = await connectLive(baseUrl);
    const sent = Array.from({ length: 1_000 }, (_, index) => {
      const kind = malformed[index % malformed.length] as Malformed;
      const { message } = kind;
      if (typeof message === 'string' || Buffer.isBuffer(message)) {
        client.sendRaw(message);
        return { ...kind, id: undefined };
      }
      // Ids alternate between the two forms a client may choose: a number and a string.
      const id = index % 2 === 0 ? index : `request-${index}`;
      client.send({ ...message, id });
      return { ...kind, id };
    });

    await client.subscribe(`inventory:${sku}`);
    const answers = client.frames.slice(0, client.frames.findIndex((frame) => frame.op === 'subscribed'));
    expect(answers).toHaveLength(sent.length);
    answers.forEach((answer, index) => {
      const { kind, error, id, path } = sent[index] as (typeof sent)[number];
      expect({ kind, answer }).toMatchObject({ kind, answer: { op: 'error', error, message: expect.any(String) } });
      expect({ kind, id: answer.id }).toEqual({ kind, id });
      if (path) expect({ kind, paths: (answer.details as { path: string }[]).map((detail) => detail.path) }).toEqual({ kind, paths: [path] });
    });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);

    const position = await receive(sku, 4);
    const update = await client.next((frame) => frame.op === 'update');
    expect(update).toMatchObject({ topic: `inventory:${sku}`, position });
    expect(update.data).toEqual(await stock(sku, position));
    await client.close();
  });
});

describe('/live with LIVE_MAX_SUBSCRIPTIONS=3', () => {
  it('refuses a fourth topic, keeps the first three, counts a topic subscribed again once, and frees a slot on unsubscribe', async () => {
    const { baseUrl, addProduct, receive } = system();
    const [first, second, third, fourth] = await Promise.all([addProduct(), addProduct(), addProduct(), addProduct()]);
    const topics = [first, second, third, fourth].map((sku) => `inventory:${sku}`);
    const client = await connectLive(baseUrl);
    for (const topic of topics.slice(0, 3)) await client.subscribe(topic);

    client.send({ op: 'subscribe', topic: topics[3], id: 'one too many' });
    expect(await client.next((frame) => frame.op === 'error')).toMatchObject({ error: 'too_many_subscriptions', topic: topics[3], id: 'one too many' });
    await client.subscribe(topics[0] as string);

    await receive(fourth as string);
    const positions = [await receive(first as string), await receive(second as string), await receive(third as string)];
    for (const [index, position] of positions.entries()) {
      await client.next((frame) => frame.op === 'update' && frame.topic === topics[index] && frame.position === position);
    }
    // The fourth sku changed before the three others, whose updates have all come: it was not followed.
    expect(client.frames.filter((frame) => frame.topic === topics[3] && frame.op === 'update')).toEqual([]);

    client.send({ op: 'unsubscribe', topic: topics[0], id: 'free one' });
    expect(await client.next((frame) => frame.op === 'unsubscribed')).toEqual({ op: 'unsubscribed', topic: topics[0], id: 'free one' });
    await client.subscribe(topics[3] as string);
    const later = await receive(fourth as string);
    expect(await client.next((frame) => frame.op === 'update')).toMatchObject({ topic: topics[3], position: later });
    await client.close();
  });
});

describe('/live heartbeat (LIVE_PING_INTERVAL_MS)', () => {
  it('drops a client that does not answer pings (ping_timeout), and keeps one that does', async () => {
    const pingIntervalMs = 250;
    const other = await system().startAnotherApp({ services: ['query'], live: { pingIntervalMs } });
    try {
      const answering = await connectLive(other.baseUrl);
      const silent = await connectLive(other.baseUrl, { autoPong: false });
      // A hang guard, not a speed requirement: the drop comes at the second ping after connecting.
      const code = await Promise.race([silent.closed, sleep(20 * pingIntervalMs, 'still open')]);
      expect(code).toBe(1006); // terminated: no close frame, the peer is not answering anyway
      expect(metricValue(await other.metrics(), 'live_clients_dropped_total{reason="ping_timeout"}')).toBe(1);

      // Pinged through the same intervals and four more: still connected and served.
      await sleep(4 * pingIntervalMs);
      expect(answering.socket.readyState).toBe(WebSocket.OPEN);
      await answering.subscribe('inventory');
      const metrics = await other.metrics();
      expect(metricValue(metrics, 'live_clients_dropped_total{reason="ping_timeout"}')).toBe(1);
      expect(metricValue(metrics, 'live_clients')).toBe(1);
      await answering.close();
    } finally {
      await other.close();
    }
  });
});

describe('/live at shutdown', () => {
  it('closes every connected client with 1001 (going away) when the app closes', async () => {
    const other = await system().startAnotherApp({ services: ['query'] });
    const clients = await Promise.all([connectLive(other.baseUrl), connectLive(other.baseUrl), connectLive(other.baseUrl)]);
    await clients[0]?.subscribe('inventory');
    await clients[1]?.subscribe('orders');
    await other.close();
    const codes = await Promise.race([Promise.all(clients.map((client) => client.closed)), sleep(10_000, 'still open')]);
    expect(codes).toEqual([1001, 1001, 1001]);
    expect(clients.flatMap((client) => client.frames).filter((frame: LiveFrame) => frame.op === 'error')).toEqual([]);
  });
});
