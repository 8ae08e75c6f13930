import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Why the server dropped a client. */
export type DropReason = 'slow_consumer' | 'ping_timeout';

export interface LiveMetrics {
  /** One change sent to `frames` sockets: the delays users see, from append through commit to the socket. */
  observeSent(sent: { topic: string; appendedAt: number | undefined; heardAt: number; frames: number }): void;
  dropped(reason: DropReason): void;
  refused(error: string): void;
}

// From a millisecond on loopback to seconds behind a long catch-up.
const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** /metrics of the live fan-out; `counts` reads the current clients and subscriptions at scrape time. */
export function createLiveMetrics(registry: Registry, counts: () => { clients: number; subscriptions: number }): LiveMetrics {
  new Gauge({
    name: 'live_clients',
    help: 'Websocket clients connected to /live in this process',
    registers: [registry],
    collect() {
      this.set(counts().clients);
    },
  });
  new Gauge({
    name: 'live_subscriptions',
    help: 'Topic subscriptions of the /live clients of this process',
    registers: [registry],
    collect() {
      this.set(counts().subscriptions);
    },
  });
  const dropped = new Counter({
    name: 'live_clients_dropped_total',
    help: 'Clients the server disconnected: slow_consumer (its send buffer passed the bound), ping_timeout (no pong)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const refused = new Counter({
    name: 'live_messages_refused_total',
    help: 'Client messages answered with an error frame, by error code',
    labelNames: ['error'] as const,
    registers: [registry],
  });
  const updates = new Counter({
    name: 'live_updates_sent_total',
    help: 'Update frames sent to clients, by read model',
    labelNames: ['topic'] as const,
    registers: [registry],
  });
  const histogram = (name: string, help: string) => new Histogram({ name, help, labelNames: ['topic'] as const, buckets, registers: [registry] });
  const committed = histogram('live_commit_delay_seconds', 'Event appended → its read-model change committed and announced to this process');
  const sent = histogram('live_send_delay_seconds', 'Change announced → its update written to every subscribed socket (read once, fanned out)');
  const endToEnd = histogram('live_update_delay_seconds', 'Event appended → its update written to the subscribed sockets: the delay a client sees');
  return {
    observeSent({ topic, appendedAt, heardAt, frames }) {
      updates.inc({ topic }, frames);
      const sentAt = performance.now();
      sent.observe({ topic }, (sentAt - heardAt) / 1000);
      if (appendedAt === undefined) return;
      // Wall clocks (the event's time is the store's): never negative, even with clocks slightly apart.
      const heardWall = Date.now() - (sentAt - heardAt);
      committed.observe({ topic }, Math.max(0, heardWall - appendedAt) / 1000);
      endToEnd.observe({ topic }, Math.max(0, Date.now() - appendedAt) / 1000);
    },
    dropped: (reason) => dropped.inc({ reason }),
    refused: (error) => refused.inc({ error }),
  };
}
