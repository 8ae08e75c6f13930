/**
 * The query side over HTTP, as `npm start` runs it (esdb-dev and PostgreSQL embedded in a fresh
 * DATA_DIR): places BENCH_ORDERS (default 2,000) orders through POST /orders, waits until every read
 * model has passed them and settled (see shop-traffic.ts), then drives, with 64 connections for
 * BENCH_SECONDS (default 10) each: GET /orders/:orderId over random known ids; the same with
 * `ES-Min-Position` set to the order's position (the read-your-writes path, already satisfied);
 * GET /orders?customerId=…&limit=20; and last, with 8 clients, POST /orders then GET it with
 * ES-Min-Position at once (how soon a write shows while writes keep coming).
 *
 * BENCH_LOG_LEVEL (default warn: one info line per request would measure the logger) the server's LOG_LEVEL.
 */
import { performance } from 'node:perf_hooks';
import { v4 as uuid } from 'uuid';
import { percentile, rate, report } from './figures.ts';
import { loadAverage } from './process-cpu.ts';
import { jsonClient, latencyFigures, loadFor, startBenchedSystem, statusCounts, type Reply } from './http-load.ts';
import { placeOrder, placeOrders, stockShelves, waitUntilSettled, type PlacedOrder } from './shop-traffic.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const orderCount = Number(process.env.BENCH_ORDERS ?? 2_000);
const connections = 64;

export async function run() {
  const { client, stop } = await startBenchedSystem(connections, seconds);
  try {
    const skus = await stockShelves(client, uuid().slice(0, 8));
    const placedAt = performance.now();
    const orders = await placeOrders(client, skus, orderCount, connections);
    report(`POST /orders ×${orderCount.toLocaleString('en-US')}, ${connections} in flight`, {
      'requests/s': rate(orders.length, performance.now() - placedAt),
    });
    const settled = await waitUntilSettled(client, orders, skus);
    report('  placed → every read model settled past the orders', { seconds: ((performance.now() - placedAt) / 1000).toFixed(1), ...settled });

    const customers = [...new Set(orders.map((order) => order.customerId))];
    const anyOrder = () => orders[Math.floor(Math.random() * orders.length)]!;
    // Unmeasured: the server's first thousands of requests run code not yet optimised.
    await loadFor(2, connections, () => client.get(`/orders/${anyOrder().orderId}`));
    await measure('GET /orders/:orderId, random known ids', () => client.get(`/orders/${anyOrder().orderId}`));
    await measure('  the same with ES-Min-Position (reached)', () => {
      const order: PlacedOrder = anyOrder();
      return client.get(`/orders/${order.orderId}`, { 'es-min-position': order.position });
    });
    await measure(`GET /orders?customerId=…&limit=20 (${customers.length} customers)`, () => {
      const customer = customers[Math.floor(Math.random() * customers.length)]!;
      return client.get(`/orders?customerId=${encodeURIComponent(customer)}&limit=20`);
    });
    await writeThenRead(client, skus, orderCount);
  } finally {
    await stop();
  }
}

async function measure(label: string, send: () => Promise<Reply>) {
  const result = await loadFor(seconds, connections, send);
  const ok = result.statuses.get(200) ?? 0;
  report(label, {
    requests: result.requests,
    'requests/s': rate(result.requests, result.ms),
    ...latencyFigures(result.latencies),
    errors: result.requests - ok,
    statuses: statusCounts(result.statuses),
    'load avg': loadAverage(),
  });
}

/**
 * Read-your-writes while writing: each of a few clients places an order, then at once GETs it with
 * ES-Min-Position set to the position the POST answered. The GET's wait is how long the orders
 * read model takes to show a write under a steady stream of them (504 past the server's bound).
 */
async function writeThenRead(client: ReturnType<typeof jsonClient>, skus: string[], firstIndex: number) {
  const writers = 8;
  const reads: number[] = [];
  let index = firstIndex;
  const result = await loadFor(seconds, writers, async () => {
    const order = await placeOrder(client, skus, index++);
    const sentAt = performance.now();
    const reply = await client.get(`/orders/${order.orderId}`, { 'es-min-position': order.position });
    reads.push(performance.now() - sentAt);
    return reply;
  });
  reads.sort((a, b) => a - b);
  report(`POST /orders, then GET it with ES-Min-Position, ${writers} clients`, {
    orders: result.requests,
    'orders/s': rate(result.requests, result.ms),
    'GET p50 ms': percentile(reads, 50).toFixed(1),
    'GET p99 ms': percentile(reads, 99).toFixed(1),
    'GET statuses': statusCounts(result.statuses),
    'load avg': loadAverage(),
  });
}
