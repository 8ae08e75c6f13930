import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../infra/postgres/free-port.ts';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../../support/test-app.ts';

/**
 * DESIGN §6: event store unreachable → 503 with Retry-After, in the error envelope, within a bounded
 * time; such an answer is not a decision, so it is never stored under an Idempotency-Key.
 */

const timeoutMs = 500;
/** The adapter's timeout, plus slack for a loaded machine: never the client's own defaults (seconds). */
const boundMs = 4 * timeoutMs + 1_000;

const logLines: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});

let testApp: TestApp;
beforeAll(async () => {
  // Nothing listens there: the port was free a moment ago, and nobody binds it in between.
  const closedPort = await findFreePort();
  testApp = await startTestApp({
    esdbUrl: `esdb://127.0.0.1:${closedPort}?tls=false`,
    eventStoreTimeoutMs: timeoutMs,
    logStream,
    logLevel: 'info',
  });
});
afterAll(() => testApp?.close());

const sku = uniqueSku();
const token = `tok_secret_${randomUUID().replaceAll('-', '')}`;
const requests = [
  { name: 'POST /products', url: '/products', body: { sku, name: 'Mug', price: 100, currency: 'EUR' } },
  { name: 'POST /products/:sku/price', url: `/products/${sku}/price`, body: { price: 200 } },
  { name: 'POST /inventory/:sku/receipts', url: `/inventory/${sku}/receipts`, body: { quantity: 1 } },
  { name: 'POST /orders', url: '/orders', body: { customerId: 'c-1', lines: [{ sku, quantity: 1 }], payment: { token } } },
  { name: 'POST /orders/:orderId/cancel', url: `/orders/${randomUUID()}/cancel`, body: {} },
];

describe('with the event store unreachable', () => {
  it.each(requests)('$name answers 503 event_store_unavailable with Retry-After, in bounded time', async ({ url, body }) => {
    const started = performance.now();
    const response = await postJson(testApp.app, url, body);
    const elapsedMs = performance.now() - started;

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    expect(response.json()).toEqual({ error: 'event_store_unavailable', message: expect.any(String) });
    expect(elapsedMs).toBeLessThan(boundMs);
  });

  it('does not store the 503 under an Idempotency-Key: the retry runs again (503 again, not a replay or 409)', async () => {
    const key = randomUUID();
    const body = { sku: uniqueSku(), name: 'Cup', price: 100, currency: 'EUR' };
    const first = await postJson(testApp.app, '/products', body, { 'idempotency-key': key });
    const retry = await postJson(testApp.app, '/products', body, { 'idempotency-key': key });

    expect([first.statusCode, retry.statusCode]).toEqual([503, 503]);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    // Kept as released, not as an answer: the next retry runs again, and looks for what a failed run appended.
    const rows = await testApp.pool.query('SELECT state, status FROM idempotency_keys');
    expect(rows.rows).toEqual([{ state: 'released', status: null }]);
  });

  it('reports itself not ready', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable', checks: { eventStore: 'unavailable', database: 'ok' } });
  });

  it('logs the failure without the payment token', () => {
    expect(logLines.some((line) => line.includes('"statusCode":503'))).toBe(true);
    expect(logLines.filter((line) => line.includes(token))).toEqual([]);
  });
});

describe('with an event store that accepts connections and never answers', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let stalledApp: TestApp;
  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    stalledApp = await startTestApp({ esdbUrl: `esdb://127.0.0.1:${port}?tls=false`, eventStoreTimeoutMs: timeoutMs });
  });
  afterAll(async () => {
    // The client first, or it reconnects to the silent server as fast as its sockets are destroyed.
    await stalledApp?.close();
    const closed = new Promise((resolve) => silent?.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  });

  it.each(requests)('$name answers 503 within the adapter timeout, not hanging', async ({ url, body }) => {
    const started = performance.now();
    const response = await postJson(stalledApp.app, url, body);
    const elapsedMs = performance.now() - started;

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    expect(response.json()).toEqual({ error: 'event_store_unavailable', message: expect.any(String) });
    expect(elapsedMs).toBeGreaterThanOrEqual(timeoutMs * 0.9);
    expect(elapsedMs).toBeLessThan(boundMs);
  });
});
