import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { LiveSettings, ServiceName } from '../../../infra/config.ts';
import { startEsdbDev } from '../../../infra/esdb-dev/index.ts';
import { createLogger } from '../../../infra/logger.ts';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../../support/test-app.ts';

/** What /live needs and nothing more: commands that change inventory rows, their projection, the query API. */
const liveServices: readonly ServiceName[] = ['catalog', 'inventory', 'projections', 'query'];

export interface ListeningApp extends TestApp {
  /** http://127.0.0.1:<port>, for `connectLive`. */
  baseUrl: string;
  /** GET /metrics, as Prometheus text. */
  metrics(): Promise<string>;
}

export interface LiveSystem extends ListeningApp {
  /** POST /products; the new sku (its inventory row appears with the first receipt). */
  addProduct(prefix?: string): Promise<string>;
  /** POST /inventory/:sku/receipts: one change of `inventory:<sku>`; the event's position. */
  receive(sku: string, quantity?: number): Promise<string>;
  /** GET /inventory/:sku once the read model has seen `position`: what an update for it must carry. */
  stock(sku: string, position: string): Promise<unknown>;
  /** Another app (a database of its own) on the same event store, listening; the caller closes it. */
  startAnotherApp(options: { services?: readonly ServiceName[]; live?: Partial<LiveSettings> }): Promise<ListeningApp>;
}

/**
 * The system behind /live on an esdb-dev of this test file's own, so that its projections read only this
 * file's events; listening on 127.0.0.1 (websockets need a real port), with the LIVE_* settings given.
 */
export function useLiveSystem(live: Partial<LiveSettings> = {}): () => LiveSystem {
  let system: LiveSystem | undefined;
  const stops: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    const esdb = await startEsdbDev({ port: 0, logger: createLogger({ level: process.env.LOG_LEVEL ?? 'silent' }) });
    stops.push(() => esdb.stop());
    const startApp: LiveSystem['startAnotherApp'] = async (options) => {
      const testApp = await startTestApp({ esdbUrl: esdb.url, services: options.services ?? liveServices, reactions: false, live: options.live ?? {} });
      await testApp.app.listen({ port: 0, host: '127.0.0.1' });
      return {
        ...testApp,
        baseUrl: `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`,
        metrics: async () => (await testApp.app.inject({ method: 'GET', url: '/metrics' })).body,
      };
    };
    const main = await startApp({ live });
    stops.push(() => main.close());
    const { app } = main;
    system = {
      ...main,
      startAnotherApp: startApp,
      async addProduct(prefix = 'LIVE') {
        const sku = uniqueSku(prefix);
        const added = await postJson(app, '/products', { sku, name: `Product ${sku}`, price: 100, currency: 'EUR' });
        if (added.statusCode !== 201) throw new Error(`adding ${sku} answered ${added.statusCode}: ${added.body}`);
        return sku;
      },
      async receive(sku, quantity = 1) {
        const received = await postJson(app, `/inventory/${sku}/receipts`, { quantity });
        if (received.statusCode !== 200) throw new Error(`receiving ${sku} answered ${received.statusCode}: ${received.body}`);
        return (received.json() as { position: string }).position;
      },
      async stock(sku, position) {
        const answer = await app.inject({ method: 'GET', url: `/inventory/${sku}`, headers: { 'es-min-position': position } });
        if (answer.statusCode !== 200) throw new Error(`GET /inventory/${sku} answered ${answer.statusCode}: ${answer.body}`);
        return answer.json();
      },
    };
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  return () => {
    if (!system) throw new Error('the live system exists once beforeAll has run');
    return system;
  };
}

/**
 * The value of one series in Prometheus text: `name` alone, or with its labels exactly as exposed
 * (`live_clients_dropped_total{reason="slow_consumer"}`); 0 when the series is absent (a counter not
 * yet incremented).
 */
export function metricValue(metrics: string, series: string): number {
  const line = metrics.split('\n').find((text) => text.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** The sum of a metric over all its label values (a histogram's `_count` over every topic, say). */
export function metricTotal(metrics: string, name: string): number {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
