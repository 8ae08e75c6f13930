import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP proxy in front of the event store that the test can take down, as a network or host failure would. */
export interface EventStoreProxy {
  /** Connection string of the event store through the proxy. */
  url: string;
  /**
   * Drops every connection and refuses new ones (the port is closed: ECONNREFUSED) for `ms`, then
   * accepts again on the same port. Resolves when the store is reachable again.
   */
  outage(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startEventStoreProxy(esdbUrl: string): Promise<EventStoreProxy> {
  const target = new URL(esdbUrl.replace(/^esdb:/, 'http:'));
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const newServer = () =>
    createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  const stop = async (server: Server) => {
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  let server = newServer();
  const port = await listen(server, 0);
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    outage: async (ms) => {
      await stop(server);
      await sleep(ms);
      server = newServer();
      await listen(server, port);
    },
    close: () => stop(server),
  };
}
