import { v4 as uuid, v5 as uuidFrom } from 'uuid';
import type { StoredEvent } from '../../../domain/events.ts';
import { fulfillmentStream } from '../../../domain/fulfillment/index.ts';
import { inventoryStream } from '../../../domain/inventory/index.ts';
import { orderStream } from '../../../domain/order/index.ts';
import { paymentStream } from '../../../domain/payment/index.ts';
import { productStream } from '../../../domain/product/index.ts';
import type { NewEvent } from '../../../infra/event-store/index.ts';
import type { SeededRandom } from './seeded-random.ts';

/** One append: events for one stream, written together. */
export interface PlannedAppend {
  stream: string;
  events: NewEvent[];
}

/** Appends that must happen one after the other (one order's story); scripts run side by side. */
export type Script = PlannedAppend[];

/** What a test writes: the keys it owns (so it reads back only its own rows of the shared log) and the scripts. */
export interface Workload {
  skus: string[];
  orderIds: string[];
  /** The catalog first (products and their first stock), then orders, restocks and price changes mixed. */
  scripts: Script[];
  eventCount: number;
}

type Line = { sku: string; quantity: number; unitPrice: number };
type Outcome = 'confirmed' | 'payment_declined' | 'out_of_stock' | 'timed_out' | 'cancelled';

const outcomes: readonly Outcome[] = ['confirmed', 'confirmed', 'confirmed', 'confirmed', 'payment_declined', 'out_of_stock', 'timed_out', 'cancelled'];
const namespace = '8f7d0f4e-2b1a-4c3d-9e8f-0a1b2c3d4e5f';

/**
 * Realistic traffic for every read model: products added and repriced, stock received, and orders
 * going through the saga to each of their ends, written to the streams the services write to. Keys are
 * unique to `runId` (esdb-dev is shared by every test file); the shape comes from `random`.
 */
export function commerceWorkload(random: SeededRandom, options: { runId: string; events: number; skus: number }): Workload {
  const prices = new Map<string, number>();
  const skus = Array.from({ length: options.skus }, (_, n) => `rel-${options.runId}-${n}`);
  const catalog: Script[] = skus.map((sku) => {
    const price = random.int(100, 20_000);
    prices.set(sku, price);
    return [
      { stream: productStream(sku), events: [newEvent({ type: 'ProductAdded', data: { sku, name: `Item ${sku}`, price, currency: 'EUR' } })] },
      { stream: inventoryStream(sku), events: [newEvent({ type: 'StockReceived', data: { sku, quantity: random.int(50, 500) } })] },
    ];
  });
  let eventCount = catalog.flat().reduce((sum, append) => sum + append.events.length, 0);
  const orderIds: string[] = [];
  const mixed: Script[] = [];
  while (eventCount < options.events) {
    let script: Script;
    const roll = random.next();
    if (roll < 0.08) {
      const sku = random.pick(skus);
      script = [{ stream: inventoryStream(sku), events: [newEvent({ type: 'StockReceived', data: { sku, quantity: random.int(10, 200) } })] }];
    } else if (roll < 0.12) {
      const sku = random.pick(skus);
      const price = random.int(100, 20_000);
      prices.set(sku, price);
      script = [{ stream: productStream(sku), events: [newEvent({ type: 'ProductPriceChanged', data: { sku, price } })] }];
    } else {
      const orderId = uuidFrom(`${options.runId}/order/${orderIds.length}`, namespace);
      orderIds.push(orderId);
      const lines = random.sample(skus, random.int(1, 3)).map((sku) => ({ sku, quantity: random.int(1, 5), unitPrice: prices.get(sku) ?? 1 }));
      script = orderStory(orderId, `customer-${random.int(1, 50)}`, lines, random.pick(outcomes));
    }
    eventCount += script.reduce((sum, append) => sum + append.events.length, 0);
    mixed.push(script);
  }
  return { skus, orderIds, scripts: [...catalog, ...mixed], eventCount };
}

/** One order from OrderPlaced to FulfillmentCompleted, as the services and the saga write it. */
function orderStory(orderId: string, customerId: string, lines: Line[], outcome: Outcome): Script {
  const script: Script = [];
  const add = (stream: string, ...events: StoredEvent[]) => script.push({ stream, events: events.map(newEvent) });
  const [order, saga, payment] = [orderStream(orderId), fulfillmentStream(orderId), paymentStream(orderId)];
  const total = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const money = { amount: total, currency: 'EUR' };
  const each = <T extends StoredEvent>(chosen: Line[], make: (line: Line) => T) => chosen.map(make);
  const stock = (line: Line) => ({ orderId, sku: line.sku, quantity: line.quantity });

  add(order, { type: 'OrderPlaced', data: { orderId, customerId, lines, total, currency: 'EUR', payment: { token: 'tok_ok' } } });
  add(
    saga,
    { type: 'FulfillmentDeadlineSet', data: { orderId, dueAt: '2026-01-01T00:00:30.000Z' } },
    ...each(lines, (line) => ({ type: 'StockReservationRequested' as const, data: stock(line) })),
  );
  const refused = outcome === 'out_of_stock' ? lines.at(-1) : undefined;
  const reserved = lines.filter((line) => line !== refused);
  for (const line of lines) {
    add(
      inventoryStream(line.sku),
      line === refused
        ? { type: 'StockReservationRejected', data: { orderId, sku: line.sku, requested: line.quantity, available: 0 } }
        : { type: 'StockReserved', data: stock(line) },
    );
  }
  const reject = (reason: 'out_of_stock' | 'payment_declined' | 'timed_out') => {
    add(saga, ...each(reserved, (line) => ({ type: 'StockReleaseRequested' as const, data: stock(line) })), {
      type: 'OrderRejectionRequested',
      data: { orderId, reason },
    });
    for (const line of reserved) add(inventoryStream(line.sku), { type: 'StockReleased', data: stock(line) });
    add(order, { type: 'OrderRejected', data: { orderId, reason } });
    add(saga, { type: 'FulfillmentCompleted', data: { orderId, outcome: 'rejected' } });
  };
  if (outcome === 'out_of_stock' || outcome === 'timed_out') {
    if (outcome === 'timed_out') add(saga, { type: 'FulfillmentTimedOut', data: { orderId } });
    reject(outcome);
    return script;
  }
  add(saga, { type: 'PaymentRequested', data: { orderId, ...money, token: 'tok_ok' } });
  if (outcome === 'payment_declined') {
    add(payment, { type: 'PaymentDeclined', data: { orderId, reason: 'card_declined' } });
    reject('payment_declined');
    return script;
  }
  add(payment, { type: 'PaymentAuthorized', data: { orderId, ...money, providerRef: `auth_${orderId.slice(0, 8)}` } });
  const reason = 'cancelled_by_customer' as const;
  if (outcome === 'cancelled') {
    add(order, { type: 'OrderCancellationRequested', data: { orderId, reason } });
    add(
      saga,
      { type: 'OrderCancellationApproved', data: { orderId, reason } },
      { type: 'RefundRequested', data: { orderId, ...money } },
      ...each(lines, (line) => ({ type: 'StockReleaseRequested' as const, data: stock(line) })),
    );
    add(payment, { type: 'PaymentRefunded', data: { orderId, ...money } });
    for (const line of lines) add(inventoryStream(line.sku), { type: 'StockReleased', data: stock(line) });
    add(order, { type: 'OrderCancelled', data: { orderId, reason } });
    add(saga, { type: 'FulfillmentCompleted', data: { orderId, outcome: 'cancelled' } });
    return script;
  }
  add(saga, ...each(lines, (line) => ({ type: 'StockCommitRequested' as const, data: stock(line) })), {
    type: 'OrderConfirmationRequested',
    data: { orderId },
  });
  for (const line of lines) add(inventoryStream(line.sku), { type: 'StockCommitted', data: stock(line) });
  add(order, { type: 'OrderConfirmed', data: { orderId } });
  add(saga, { type: 'FulfillmentCompleted', data: { orderId, outcome: 'confirmed' } });
  return script;
}

const newEvent = (event: StoredEvent): NewEvent => ({ id: uuid(), type: event.type, data: event.data, metadata: { correlationId: 'reliability' } });
