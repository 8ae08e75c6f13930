import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP proxy in front of a server (the event store, PostgreSQL) that a test can cut or take down. */
export interface TcpProxy {
  /** Where the proxy listens (127.0.0.1). */
  port: number;
  /** Drops every open connection, as a network reset would; new connections are accepted. */
  cut(): void;
  /** Drops every connection and closes the port (ECONNREFUSED) until `up()`. */
  down(): Promise<void>;
  /** Accepts connections again, on the same port. */
  up(): Promise<void>;
  /** `down()`, then `up()` after `ms`. */
  outage(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const newServer = () =>
    createServer((client) => {
      const upstream = connect(target.port, target.host);
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };

  let server: Server | undefined = newServer();
  const port = await listen(server, 0);
  const down = async () => {
    const stopping = server;
    server = undefined;
    if (!stopping) return;
    const closed = new Promise((resolve) => stopping.close(resolve));
    cut();
    await closed;
  };
  const up = async () => {
    if (server) return;
    server = newServer();
    await listen(server, port);
  };
  return {
    port,
    cut,
    down,
    up,
    outage: async (ms) => {
      await down();
      await sleep(ms);
      await up();
    },
    close: down,
  };
}

/** host and port of an `esdb://` or `postgres://` URL (WHATWG URL parses neither scheme's port as such). */
export function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url.replace(/^[a-z+]+:/, 'http:'));
  return { host: parsed.hostname, port: Number(parsed.port) };
}
