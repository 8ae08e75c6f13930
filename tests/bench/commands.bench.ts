/**
 * The write side over HTTP, as `npm start` runs it (esdb-dev and PostgreSQL embedded in a fresh
 * DATA_DIR): (a) POST /orders with 64 connections, spread over 20 products; (b) POST
 * /inventory/HOT/receipts with 64 connections on one sku, where every writer contends for one stream
 * and re-runs its command after a wrong-expected-revision (counted from /metrics).
 *
 * BENCH_SECONDS (default 10) each run; BENCH_LOG_LEVEL (default warn: one info line per request would
 * measure the logger) the server's LOG_LEVEL.
 */
import { v4 as uuid } from 'uuid';
import { rate, report } from './figures.ts';
import { counterValue, jsonClient, latencyFigures, loadFor, startBenchedSystem, statusCounts } from './http-load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = 64;
const productCount = 20;

export async function run() {
  const { client, stop } = await startBenchedSystem(connections, seconds);
  try {
    const run = uuid().slice(0, 8);
    const skus = await seedCatalog(client, run);
    await placeOrders(client, skus);
    await receiveHotStock(client, `HOT-${run}`);
  } finally {
    await stop();
  }
}

type Client = ReturnType<typeof jsonClient>;

async function expectStatus(reply: Promise<{ status: number; body: string }>, status: number, what: string) {
  const answer = await reply;
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${answer.body}`);
}

/** 20 products in one currency, with plenty of stock (orders never check it, but the catalog is realistic). */
async function seedCatalog(client: Client, run: string): Promise<string[]> {
  const skus = Array.from({ length: productCount }, (_, index) => `BENCH-${run}-${index}`);
  await Promise.all(
    skus.map(async (sku, index) => {
      await expectStatus(client.post('/products', { sku, name: `Bench product ${index}`, price: 100 + index * 25, currency: 'EUR' }), 201, `add ${sku}`);
      await expectStatus(client.post(`/inventory/${sku}/receipts`, { quantity: 1_000_000 }), 200, `stock ${sku}`);
    }),
  );
  return skus;
}

/** 1 to 3 distinct lines from the catalog, a fresh customer now and then. */
function randomOrder(skus: string[], worker: number) {
  const lineCount = 1 + Math.floor(Math.random() * 3);
  const start = Math.floor(Math.random() * skus.length);
  const lines = Array.from({ length: lineCount }, (_, offset) => ({
    sku: skus[(start + offset) % skus.length]!,
    quantity: 1 + Math.floor(Math.random() * 5),
  }));
  return { customerId: `bench-customer-${worker}-${Math.floor(Math.random() * 100)}`, lines, payment: { token: 'tok_ok' } };
}

async function placeOrders(client: Client, skus: string[]) {
  const result = await loadFor(seconds, connections, (worker) => client.post('/orders', randomOrder(skus, worker)));
  const placed = result.statuses.get(201) ?? 0;
  report(`POST /orders, ${connections} connections`, {
    requests: result.requests,
    'requests/s': rate(result.requests, result.ms),
    ...latencyFigures(result.latencies),
    statuses: statusCounts(result.statuses),
    // One OrderPlaced per 201.
    'events appended/s': rate(placed, result.ms),
  });
}

async function receiveHotStock(client: Client, sku: string) {
  await expectStatus(client.post('/products', { sku, name: 'The hot one', price: 999, currency: 'EUR' }), 201, `add ${sku}`);
  const labels = { command: 'ReceiveStock' };
  const before = (await client.get('/metrics')).body;

  const result = await loadFor(seconds, connections, () => client.post(`/inventory/${sku}/receipts`, { quantity: 1 }));

  const after = (await client.get('/metrics')).body;
  const delta = (name: string, extra: Record<string, string> = {}) =>
    counterValue(after, name, { ...labels, ...extra }) - counterValue(before, name, { ...labels, ...extra });
  const commands = delta('commands_total');
  const retries = delta('command_retries_total');
  report(`POST /inventory/${sku.slice(0, 3)}/receipts, one sku, ${connections} connections`, {
    requests: result.requests,
    'requests/s': rate(result.requests, result.ms),
    ...latencyFigures(result.latencies),
    statuses: statusCounts(result.statuses),
  });
  report('  the same, from /metrics', {
    commands,
    appended: delta('commands_total', { result: 'appended' }),
    'gave up (409)': delta('commands_total', { result: 'conflict' }),
    retries,
    'retries/command': commands === 0 ? 'n/a' : (retries / commands).toFixed(2),
  });
}
