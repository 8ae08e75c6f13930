/**
 * Shop traffic over HTTP for the query benchmark: shelves with stock, a batch of orders, and a wait
 * until every read model has passed them and reactions to them (the saga, where it runs) are over (so
 * what the query runs then measure is the read side alone, not read models catching up beside it).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { report } from './figures.ts';
import type { jsonClient, Reply } from './http-load.ts';

type Client = ReturnType<typeof jsonClient>;

export interface PlacedOrder {
  orderId: string;
  customerId: string;
  /** `$all` position of its OrderPlaced, as the POST answered it. */
  position: string;
}

const productCount = 20;
/** About ten orders per customer for the 2,000 orders of a default run. */
const customerCount = 200;

async function expect(reply: Promise<Reply>, status: number, what: string): Promise<Reply> {
  const answer = await reply;
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${answer.body}`);
  return answer;
}

/** Runs `work` over every item with at most `inFlight` at once. */
async function eachAtMost<T>(items: readonly T[], inFlight: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Products in one currency, each with far more stock than the orders will take. */
export async function stockShelves(client: Client, run: string): Promise<string[]> {
  const skus = Array.from({ length: productCount }, (_, index) => `SHELF-${run}-${index}`);
  await eachAtMost(skus, productCount, async (sku) => {
    await expect(client.post('/products', { sku, name: `Shelf item ${sku}`, price: 250 + skus.indexOf(sku) * 10, currency: 'EUR' }), 201, sku);
    await expect(client.post(`/inventory/${sku}/receipts`, { quantity: 1_000_000 }), 200, `receipt ${sku}`);
  });
  return skus;
}

/** Order number `index`: 1 to 3 lines; one in ten is paid with a card the gateway declines. */
export async function placeOrder(client: Client, skus: string[], index: number): Promise<PlacedOrder> {
  const customerId = `bench-customer-${index % customerCount}`;
  const first = Math.floor(Math.random() * skus.length);
  const lines = Array.from({ length: 1 + (index % 3) }, (_, offset) => ({ sku: skus[(first + offset) % skus.length]!, quantity: 1 + (index % 4) }));
  const token = index % 10 === 9 ? 'tok_decline' : 'tok_ok';
  const reply = await expect(client.post('/orders', { customerId, lines, payment: { token } }), 201, 'POST /orders');
  const { orderId, position } = JSON.parse(reply.body) as { orderId: string; position: string };
  return { orderId, customerId, position };
}

export async function placeOrders(client: Client, skus: string[], count: number, inFlight: number): Promise<PlacedOrder[]> {
  const placed: PlacedOrder[] = [];
  await eachAtMost([...Array(count).keys()], inFlight, async (index) => {
    placed.push(await placeOrder(client, skus, index));
  });
  return placed;
}

interface ProjectionsBody {
  projections: Array<{ checkpoint: string | null; lag: { events: number } | null }>;
}

/** GET `path` with ES-Min-Position until the read model serving it has passed `position` (not 504). */
async function readPast(client: Client, path: string, position: bigint, until: number): Promise<Reply> {
  for (;;) {
    const reply = await client.get(path, { 'es-min-position': position.toString(10) });
    if (reply.status !== 504) return reply;
    if (performance.now() > until) throw new Error(`${path} still behind ${position} at the deadline`);
  }
}

/**
 * Waits until every read model has passed the newest order's position, then (where /projections
 * answers) until every projection has no lag and the checkpoints stand still, so that reactions to
 * the orders (the saga, when it runs) are over too. Then reads every order once: all must be there.
 * Returns the orders by status.
 */
export async function waitUntilSettled(client: Client, orders: PlacedOrder[], skus: string[], timeoutMs = 600_000) {
  const started = performance.now();
  const until = started + timeoutMs;
  const newest = orders.reduce((max, order) => (BigInt(order.position) > max ? BigInt(order.position) : max), 0n);
  const last = orders.at(-1)!;
  for (const path of [`/orders/${last.orderId}`, `/fulfillment/${last.orderId}`, `/payments/${last.orderId}`, `/inventory/${skus[0]}`, `/products/${skus[0]}`]) {
    await readPast(client, path, newest, until);
  }
  let previous = '';
  let lastPrint = started;
  for (;;) {
    const reply = await client.get('/projections');
    if (reply.status !== 200) break; // no such route here: the read models have passed the orders, that is all we know
    const { projections } = JSON.parse(reply.body) as ProjectionsBody;
    const checkpoints = projections.map((projection) => projection.checkpoint).join(',');
    if (checkpoints === previous && projections.every((projection) => projection.lag?.events === 0)) break;
    previous = checkpoints;
    if (performance.now() > until) throw new Error(`the read models did not settle within ${timeoutMs} ms`);
    if (performance.now() - lastPrint >= 5_000) {
      lastPrint = performance.now();
      const lag = Math.max(...projections.map((projection) => projection.lag?.events ?? Number.NaN));
      report(`  waiting for the read models… ${Math.round((lastPrint - started) / 1000)} s`, { 'largest lag (events)': lag });
    }
    await sleep(1_000);
  }
  const statuses = new Map<string, number>();
  await eachAtMost(orders, 16, async (order) => {
    const reply = await expect(client.get(`/orders/${order.orderId}`), 200, `GET /orders/${order.orderId}`);
    const { status } = JSON.parse(reply.body) as { status: string };
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  return Object.fromEntries(statuses);
}
