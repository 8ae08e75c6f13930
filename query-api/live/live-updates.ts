import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { Logger } from '../../infra/logger.ts';
import { LiveConnection, type LiveLimits } from './live-connection.ts';
import { LiveHub } from './live-hub.ts';
import { createLiveMetrics } from './live-metrics.ts';

export interface LiveOptions extends LiveLimits {
  pool: pg.Pool;
  logger: Logger;
  registry: Registry;
  /** Rows a resume (`fromPosition`) sends at most; beyond, the client is told to refetch. */
  resumeLimit: number;
  /** How often each client is pinged; one that has not answered the previous ping is dropped. */
  pingIntervalMs: number;
}

export interface LiveUpdates {
  /** The `/live` route, on the app's own port. */
  routes(app: FastifyInstance): Promise<void>;
  /** Stops the fan-out (after HTTP closed: the sockets are closed by the app's own close). */
  stop(): Promise<void>;
}

/** Largest frame `ws` accepts before closing with 1009; frames above MAX_MESSAGE_BYTES get an error frame. */
const maxPayloadBytes = 1024 * 1024;

/** How long clients get to answer the close frame at shutdown before their sockets are cut. */
const closeGraceMs = 1_000;

/**
 * `GET /live` (DESIGN §6): websocket clients subscribe to read-model topics and are sent each change
 * after its commit, through one fan-out per process.
 */
export function createLiveUpdates(options: LiveOptions): LiveUpdates {
  const connections = new Set<LiveConnection>();
  const metrics = createLiveMetrics(options.registry, () => ({
    clients: connections.size,
    subscriptions: [...connections].reduce((sum, connection) => sum + connection.subscriptionCount, 0),
  }));
  const hub = new LiveHub({
    pool: options.pool,
    logger: options.logger,
    metrics,
    resumeLimit: options.resumeLimit,
    resumeMaxBytes: options.maxBufferedBytes / 2,
  });
  const pinging = setInterval(() => {
    for (const connection of connections) connection.ping();
  }, options.pingIntervalMs);
  pinging.unref();

  return {
    async routes(app) {
      await app.register(websocket, {
        options: { maxPayload: maxPayloadBytes },
        // Clients are told the server is going away (1001), so they reconnect elsewhere or later.
        preClose: async () => {
          const closing = [...connections];
          for (const connection of closing) connection.close(1001, 'server shutting down');
          const deadline = Date.now() + closeGraceMs;
          while (connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
          for (const connection of connections) connection.terminate();
          await new Promise<void>((resolve) => app.websocketServer.close(() => resolve()));
        },
      });
      app.get('/live', { websocket: true, schema: { hide: true } }, (socket) => {
        const connection = new LiveConnection(socket, hub, { limits: options, metrics, logger: options.logger });
        connections.add(connection);
        socket.on('close', () => connections.delete(connection));
      });
    },
    async stop() {
      clearInterval(pinging);
      await hub.stop();
    },
  };
}
