import type { WebSocket } from '@fastify/websocket';
import { z } from 'zod';
import { parsePosition } from '../../infra/event-store/index.ts';
import type { Logger } from '../../infra/logger.ts';
import { frame } from './live-frames.ts';
import type { LiveHub, LiveSubscriber, LiveSubscription } from './live-hub.ts';
import type { DropReason, LiveMetrics } from './live-metrics.ts';
import { parseTopic } from './live-topics.ts';

export interface LiveLimits {
  /** Topics one socket may follow at once. */
  maxSubscriptions: number;
  /** Bytes queued for one socket beyond which the client is dropped: it does not read. */
  maxBufferedBytes: number;
}

/** A message is a few hundred bytes; anything much larger is refused before it is parsed. */
export const MAX_MESSAGE_BYTES = 4_096;

// An optional client-chosen id is echoed in the answer, so a client can match answers to requests.
const requestId = z.union([z.string().max(100), z.number().int()]).optional();
const topicName = z.string().min(1).max(200);
const position = z
  .string()
  .refine((text) => parsePosition(text) !== undefined, 'must be a uint64 $all position as a decimal string');

const clientMessage = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('subscribe'), topic: topicName, fromPosition: position.optional(), id: requestId }),
  z.strictObject({ op: z.literal('unsubscribe'), topic: topicName, id: requestId }),
]);
const knownOps = new Set(['subscribe', 'unsubscribe']);

type Refusal = { error: string; message: string; details?: { path: string; message: string }[] };

/**
 * One websocket client of /live: reads its messages (every bad one answered with an error frame, the
 * socket kept open), holds its subscriptions, and bounds what waits to be sent to it.
 */
export class LiveConnection implements LiveSubscriber {
  private readonly subscriptions = new Map<string, LiveSubscription>();
  /** Cleared by each ping, set by the pong: a peer that misses a whole interval is gone. */
  answeredPing = true;
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly hub: LiveHub,
    private readonly options: { limits: LiveLimits; metrics: LiveMetrics; logger: Logger },
  ) {
    // Attached at once: a client may send right after the upgrade (TRAPS.md).
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('pong', () => (this.answeredPing = true));
    socket.on('close', () => this.release());
    socket.on('error', (error) => options.logger.debug({ err: error }, 'live socket error'));
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  send(data: Buffer): void {
    if (this.closed) return;
    if (this.socket.bufferedAmount + data.length > this.options.limits.maxBufferedBytes) return this.drop('slow_consumer');
    this.socket.send(data, { binary: false });
  }

  /** Sends a ping, or drops the peer when it did not answer the last one. */
  ping(): void {
    if (!this.answeredPing) return this.drop('ping_timeout');
    this.answeredPing = false;
    this.socket.ping();
  }

  /** Closes with `code` (1001 on shutdown); the peer has a moment to answer, then the socket is cut. */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  private drop(reason: DropReason): void {
    this.options.metrics.dropped(reason);
    this.options.logger.info({ reason, bufferedBytes: this.socket.bufferedAmount }, 'live client dropped');
    this.release();
    // Not close(): a peer that does not read would never see the close frame, and its buffer would stay.
    this.socket.terminate();
  }

  private release(): void {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions.values()) subscription.close();
    this.subscriptions.clear();
  }

  private receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) return this.refuse({ error: 'invalid_message', message: 'messages are JSON text frames' });
    if (bytes.length > MAX_MESSAGE_BYTES) return this.refuse({ error: 'message_too_large', message: `a message is at most ${MAX_MESSAGE_BYTES} bytes` });
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return this.refuse({ error: 'invalid_message', message: 'not JSON' });
    }
    const op = typeof json === 'object' && json !== null && 'op' in json ? json.op : undefined;
    const id = typeof json === 'object' && json !== null && 'id' in json ? requestId.safeParse(json.id).data : undefined;
    if (typeof op !== 'string' || !knownOps.has(op)) {
      return this.refuse({ error: 'unknown_op', message: `"op" must be one of: ${[...knownOps].join(', ')}` }, id);
    }
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      return this.refuse({ error: 'invalid_message', message: 'the message does not match its op', details }, id);
    }
    const message = parsed.data;
    if (message.op === 'unsubscribe') {
      this.subscriptions.get(message.topic)?.close();
      this.subscriptions.delete(message.topic);
      return this.answer({ op: 'unsubscribed', topic: message.topic, ...(id === undefined ? {} : { id }) });
    }
    this.subscribe(message.topic, message.fromPosition, id);
  }

  private subscribe(name: string, fromPosition: string | undefined, id: string | number | undefined): void {
    const topic = parseTopic(name);
    if ('refused' in topic) return this.refuse({ error: 'unknown_topic', message: topic.refused, details: [{ path: 'topic', message: topic.refused }] }, id, name);
    const again = this.subscriptions.get(name);
    if (!again && this.subscriptions.size >= this.options.limits.maxSubscriptions) {
      return this.refuse({ error: 'too_many_subscriptions', message: `a connection follows at most ${this.options.limits.maxSubscriptions} topics` }, id, name);
    }
    // Subscribing again replaces the subscription: a client resumes a topic by naming a new fromPosition.
    again?.close();
    const subscription = this.hub.subscribe(this, topic, fromPosition === undefined ? undefined : (parsePosition(fromPosition) as bigint));
    this.subscriptions.set(name, subscription);
    const withId = id === undefined ? {} : { id };
    subscription.ready.then(
      () => {
        if (this.subscriptions.get(name) === subscription) this.answer({ op: 'subscribed', topic: name, ...withId });
      },
      (error: unknown) => {
        this.options.logger.warn({ err: error, topic: name }, 'live resume failed');
        if (this.subscriptions.get(name) !== subscription) return;
        this.subscriptions.delete(name);
        subscription.close();
        this.refuse({ error: 'unavailable', message: 'the read models cannot be read right now; subscribe again shortly' }, id, name);
      },
    );
  }

  private refuse(refusal: Refusal, id?: string | number, topic?: string): void {
    this.options.metrics.refused(refusal.error);
    this.answer({ op: 'error', ...refusal, ...(topic === undefined ? {} : { topic }), ...(id === undefined ? {} : { id }) });
  }

  private answer(message: Record<string, unknown>): void {
    this.send(frame(message));
  }
}
