/**
 * Fills an event store with the log a busy shop leaves behind: a catalog with stock, then orders
 * of 1 to 3 lines, each followed through the whole saga (reservations, payment, commit or
 * compensation, terminal status) across its order, fulfillment, payment and inventory streams.
 *
 * Orders are written in waves: each saga step is appended for every order of the wave before the
 * next step, so `$all` interleaves many orders in causal order, as concurrent traffic does, while
 * the appends stay big (one per stream and step, many in flight). Every event is typed as the
 * domain's StoredEvent, so the projections handle all of them.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ANY, jsonEvent, type EventStoreDBClient } from '@eventstore/db-client';
import { v4 as uuid } from 'uuid';
import type { StoredEvent } from '../../domain/events.ts';

export interface CommerceLogOptions {
  /** Stop once about this many events are written (the last wave is cut to fit). */
  events: number;
  /** Distinct products (inventory keys). */
  skus?: number;
  /** Orders per wave. */
  waveOrders?: number;
  /** Appends in flight. */
  inFlight?: number;
  /** Called after each wave with the events written so far. */
  onProgress?: (written: number) => void;
}

export interface CommerceLog {
  events: number;
  appends: number;
  orders: number;
  skus: number;
  /** Events written, by type. */
  byType: Map<string, number>;
  ms: number;
}

type Outcome = 'confirmed' | 'declined' | 'out_of_stock';

interface PlannedOrder {
  orderId: string;
  customerId: string;
  lines: Array<{ sku: string; quantity: number; unitPrice: number }>;
  total: number;
  outcome: Outcome;
}

/** One append per stream: the events of one saga step, grouped by stream in the order planned. */
class Step {
  readonly streams = new Map<string, StoredEvent[]>();
  private readonly correlationId = `req-${randomBytes(4).toString('hex')}`;
  add(stream: string, ...events: StoredEvent[]) {
    const list = this.streams.get(stream);
    if (list) list.push(...events);
    else this.streams.set(stream, [...events]);
  }
  get metadata() {
    return { correlationId: this.correlationId, causationId: this.correlationId };
  }
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const between = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
const dueAt = () => new Date(Date.now() + 30_000).toISOString();

export async function writeCommerceLog(client: EventStoreDBClient, options: CommerceLogOptions): Promise<CommerceLog> {
  const skuCount = options.skus ?? 1_000;
  const waveOrders = options.waveOrders ?? 2_000;
  const inFlight = options.inFlight ?? 64;
  const skus = Array.from({ length: skuCount }, (_, index) => `SKU-${String(index).padStart(5, '0')}`);
  const prices = new Map(skus.map((sku) => [sku, between(199, 9_999)]));
  const result: CommerceLog = { events: 0, appends: 0, orders: 0, skus: skuCount, byType: new Map(), ms: 0 };
  const started = performance.now();

  const write = async (steps: Step[]) => {
    for (const step of steps) {
      const appends = [...step.streams];
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(inFlight, appends.length) }, async () => {
          while (next < appends.length) {
            const [stream, events] = appends[next++]!;
            await client.appendToStream(
              stream,
              events.map((event) => jsonEvent({ type: event.type, data: event.data, metadata: step.metadata })),
              { expectedRevision: ANY },
            );
          }
        }),
      );
      for (const events of step.streams.values()) {
        result.appends++;
        result.events += events.length;
        for (const event of events) result.byType.set(event.type, (result.byType.get(event.type) ?? 0) + 1);
      }
    }
  };

  const catalog = new Step();
  for (const sku of skus) {
    catalog.add(`product-${sku}`, { type: 'ProductAdded', data: { sku, name: `Product ${sku}`, price: prices.get(sku)!, currency: 'EUR' } });
    catalog.add(`inventory-${sku}`, { type: 'StockReceived', data: { sku, quantity: 1_000_000 } });
  }
  await write([catalog]);

  while (result.events < options.events) {
    // About 15 events an order (7 + 4 per line, 2 lines on average).
    const count = Math.max(1, Math.min(waveOrders, Math.ceil((options.events - result.events) / 15)));
    await write(waveSteps(plannedOrders(count, skus, prices), skus, prices));
    result.orders += count;
    options.onProgress?.(result.events);
  }
  result.ms = performance.now() - started;
  return result;
}

function plannedOrders(count: number, skus: string[], prices: Map<string, number>): PlannedOrder[] {
  return Array.from({ length: count }, () => {
    const chosen = new Set<string>();
    const lineCount = between(1, 3);
    while (chosen.size < lineCount) chosen.add(pick(skus));
    const lines = [...chosen].map((sku) => ({ sku, quantity: between(1, 5), unitPrice: prices.get(sku)! }));
    const roll = Math.random();
    return {
      orderId: uuid(),
      customerId: `customer-${between(1, 20_000)}`,
      lines,
      total: lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0),
      // Most orders go through; some cards are declined; now and then a line is out of stock.
      outcome: roll < 0.85 ? 'confirmed' : roll < 0.95 ? 'declined' : 'out_of_stock',
    };
  });
}

/** The saga of every order of the wave, one step at a time; a few price changes and receipts between. */
function waveSteps(orders: PlannedOrder[], skus: string[], prices: Map<string, number>): Step[] {
  const steps = Array.from({ length: 9 }, () => new Step());
  const [placed, requested, reserved, afterReservation, payment, afterPayment, settled, terminal, completed] = steps as [
    Step, Step, Step, Step, Step, Step, Step, Step, Step,
  ];
  for (let i = 0; i < 10; i++) {
    const sku = pick(skus);
    const price = between(199, 9_999);
    prices.set(sku, price);
    placed.add(`product-${sku}`, { type: 'ProductPriceChanged', data: { sku, price } });
  }
  for (let i = 0; i < 20; i++) {
    const sku = pick(skus);
    reserved.add(`inventory-${sku}`, { type: 'StockReceived', data: { sku, quantity: between(10, 500) } });
  }

  for (const order of orders) {
    const { orderId, lines, total, outcome } = order;
    const orderStream = `order-${orderId}`;
    const saga = `fulfillment-${orderId}`;
    const token = outcome === 'declined' ? 'tok_decline' : 'tok_ok';
    placed.add(orderStream, {
      type: 'OrderPlaced',
      data: { orderId, customerId: order.customerId, lines, total, currency: 'EUR', payment: { token } },
    });
    requested.add(
      saga,
      ...lines.map(({ sku, quantity }): StoredEvent => ({ type: 'StockReservationRequested', data: { orderId, sku, quantity } })),
      { type: 'FulfillmentDeadlineSet', data: { orderId, dueAt: dueAt() } },
    );
    // Out of stock: the last line is refused, the others were reserved and are released again.
    const kept = outcome === 'out_of_stock' ? lines.slice(0, -1) : lines;
    for (const { sku, quantity } of kept) reserved.add(`inventory-${sku}`, { type: 'StockReserved', data: { sku, orderId, quantity } });

    if (outcome === 'out_of_stock') {
      const refused = lines.at(-1)!;
      reserved.add(`inventory-${refused.sku}`, {
        type: 'StockReservationRejected',
        data: { sku: refused.sku, orderId, requested: refused.quantity, available: 0 },
      });
      afterReservation.add(
        saga,
        ...kept.map(({ sku, quantity }): StoredEvent => ({ type: 'StockReleaseRequested', data: { orderId, sku, quantity } })),
        { type: 'OrderRejectionRequested', data: { orderId, reason: 'out_of_stock' } },
      );
      for (const { sku, quantity } of kept) payment.add(`inventory-${sku}`, { type: 'StockReleased', data: { sku, orderId, quantity } });
      afterPayment.add(orderStream, { type: 'OrderRejected', data: { orderId, reason: 'out_of_stock' } });
      settled.add(saga, { type: 'FulfillmentCompleted', data: { orderId, outcome: 'rejected' } });
      continue;
    }

    afterReservation.add(saga, { type: 'PaymentRequested', data: { orderId, amount: total, currency: 'EUR', token } });
    // Authorized: every line is committed and the order confirmed; declined: released and rejected.
    const confirmed = outcome === 'confirmed';
    payment.add(
      `payment-${orderId}`,
      confirmed
        ? { type: 'PaymentAuthorized', data: { orderId, amount: total, currency: 'EUR', providerRef: `auth_${randomBytes(5).toString('hex')}` } }
        : { type: 'PaymentDeclined', data: { orderId, reason: 'card_declined' } },
    );
    afterPayment.add(
      saga,
      ...lines.map(({ sku, quantity }): StoredEvent => ({
        type: confirmed ? 'StockCommitRequested' : 'StockReleaseRequested',
        data: { orderId, sku, quantity },
      })),
      confirmed ? { type: 'OrderConfirmationRequested', data: { orderId } } : { type: 'OrderRejectionRequested', data: { orderId, reason: 'payment_declined' } },
    );
    for (const { sku, quantity } of lines) {
      settled.add(`inventory-${sku}`, { type: confirmed ? 'StockCommitted' : 'StockReleased', data: { sku, orderId, quantity } });
    }
    terminal.add(orderStream, confirmed ? { type: 'OrderConfirmed', data: { orderId } } : { type: 'OrderRejected', data: { orderId, reason: 'payment_declined' } });
    completed.add(saga, { type: 'FulfillmentCompleted', data: { orderId, outcome: confirmed ? 'confirmed' : 'rejected' } });
  }
  return steps;
}
