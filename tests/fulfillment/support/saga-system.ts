import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type ServiceName } from '../../../infra/config.ts';
import { startEsdbDev } from '../../../infra/esdb-dev/index.ts';
import { createLogger } from '../../../infra/logger.ts';
import type { OrderView } from '../../../projections/index.ts';
import { testEnvironment } from '../../support/environment.ts';
import { postJson, startTestApp, type TestApp } from '../../support/test-app.ts';

const everyService = loadConfig({}).SERVICES;

export interface SagaSystemOptions {
  fulfillmentTimeoutMs?: number;
  paymentSlowMs?: number;
  services?: readonly ServiceName[];
}

export interface SagaSystem extends TestApp {
  esdbUrl: string;
  /** POST /orders; throws unless 201; the new order's id. */
  placeOrder(lines: Array<{ sku: string; quantity: number }>, token?: string, customerId?: string): Promise<string>;
  /** Polls GET /orders/:id until the order is confirmed, rejected or cancelled (or throws after `timeoutMs`). */
  terminalOrder(orderId: string, timeoutMs?: number): Promise<OrderView>;
}

/**
 * The whole system as `npm start` composes it (every service, the saga and its reactions, the
 * projections and the query API), on an esdb-dev of this test file's own: the saga and reactions
 * start from the beginning of the log, and must not react to the other test files' orders.
 */
export function useSagaSystem(options: SagaSystemOptions = {}): () => SagaSystem {
  let system: SagaSystem | undefined;
  const stops: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
    const esdb = await startEsdbDev({ port: 0, logger });
    stops.push(() => esdb.stop());
    const testApp = await startTestApp({
      esdbUrl: esdb.url,
      services: options.services ?? everyService,
      reactions: true,
      fulfillmentTimeoutMs: options.fulfillmentTimeoutMs ?? 10_000,
      paymentSlowMs: options.paymentSlowMs ?? 200,
    });
    stops.push(() => testApp.close());
    const { app } = testApp;
    system = {
      ...testApp,
      esdbUrl: esdb.url,
      placeOrder: async (lines, token = 'tok_ok', customerId = 'customer-saga') => {
        const answer = await postJson(app, '/orders', { customerId, lines, payment: { token } });
        if (answer.statusCode !== 201) throw new Error(`POST /orders answered ${answer.statusCode}: ${answer.body}`);
        return (answer.json() as { orderId: string }).orderId;
      },
      terminalOrder: async (orderId, timeoutMs = 20_000) => {
        const until = Date.now() + timeoutMs;
        let last: unknown;
        while (Date.now() < until) {
          const answer = await app.inject({ method: 'GET', url: `/orders/${orderId}` });
          if (answer.statusCode === 200) {
            const order = answer.json() as OrderView;
            if (order.status !== 'placed') return order;
            last = order;
          }
          await sleep(25);
        }
        throw new Error(`order ${orderId} not terminal within ${timeoutMs} ms: ${JSON.stringify(last)}`);
      },
    };
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  return () => {
    if (!system) throw new Error('the saga system exists once beforeAll has run');
    return system;
  };
}

/** The environment's PostgreSQL cluster: each saga system gets a database of its own on it. */
export const clusterUrl = () => testEnvironment().databaseUrl;
