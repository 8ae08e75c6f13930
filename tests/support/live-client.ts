import { WebSocket } from 'ws';

/** A frame the server sent on /live, parsed. */
export type LiveFrame = { op: string; topic?: string; position?: string; data?: unknown; error?: string; message?: string; [field: string]: unknown };

/** A real websocket client of `/live` that keeps every frame it receives, for tests and benches. */
export interface LiveClient {
  socket: WebSocket;
  /** Every frame received so far, in order. */
  frames: LiveFrame[];
  send(message: unknown): void;
  /** Sends raw text (or bytes), for malformed input. */
  sendRaw(data: string | Buffer): void;
  /** The first frame from `after` (an index into `frames`, default: the next one) matching `match`. */
  next(match?: (frame: LiveFrame) => boolean, options?: { timeoutMs?: number; after?: number }): Promise<LiveFrame>;
  /** Subscribes and waits for the `subscribed` answer (or throws on an error frame); `next()` still reads what came before it. */
  subscribe(topic: string, fromPosition?: string): Promise<void>;
  /** Resolves with the close code once the socket is closed. */
  closed: Promise<number>;
  close(): Promise<void>;
}

/** Opens `ws://…/live` on `baseUrl` (http://host:port) and waits until it is open. */
export async function connectLive(baseUrl: string, options: { autoPong?: boolean } = {}): Promise<LiveClient> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/live`, { autoPong: options.autoPong ?? true });
  const frames: LiveFrame[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as LiveFrame);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('close', () => {
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);

  let cursor = 0;
  const next: LiveClient['next'] = async (match = () => true, { timeoutMs = 10_000, after } = {}) => {
    let index = after ?? cursor;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (; index < frames.length; index++) {
        const frame = frames[index] as LiveFrame;
        if (match(frame)) {
          cursor = index + 1;
          return frame;
        }
      }
      if (socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting; frames: ${JSON.stringify(frames.slice(-5))}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; last frames: ${JSON.stringify(frames.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
  };

  const client: LiveClient = {
    socket,
    frames,
    send: (message) => socket.send(JSON.stringify(message)),
    sendRaw: (data) => socket.send(data),
    next,
    async subscribe(topic, fromPosition) {
      const [from, reading] = [frames.length, cursor];
      client.send({ op: 'subscribe', topic, ...(fromPosition === undefined ? {} : { fromPosition }) });
      const answer = await next((frame) => (frame.op === 'subscribed' || frame.op === 'error') && frame.topic === topic, { after: from });
      // The answer comes after a resume's updates: they are still to be read with next().
      cursor = reading;
      if (answer.op === 'error') throw new Error(`subscribe ${topic} refused: ${JSON.stringify(answer)}`);
    },
    closed,
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) {
        socket.close();
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000))]);
        socket.terminate();
      }
    },
  };
  return client;
}
