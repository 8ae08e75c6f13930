import type { Queryable } from '../../../projections/index.ts';
import type { Workload } from './commerce-workload.ts';
import type { WrittenAppend } from './workload-writer.ts';

/**
 * What each read model must say about the workload's keys, folded in plain code from the events the
 * store took, in `$all` order. Counts are what catch an effect lost or applied twice: stock on hand is
 * the receipts minus what left, an order's history has one line per event about it. One sorted line per
 * key, so a failure shows the keys that differ.
 */
export type Facts = Record<'products' | 'inventory' | 'orders' | 'payments' | 'fulfillment', string[]>;

type Data = Record<string, unknown>;

export function expectedFacts(written: WrittenAppend[]): Facts {
  const products = new Map<string, { name: string; price: number; currency: string }>();
  const stock = new Map<string, { onHand: number; reserved: number }>();
  const orders = new Map<string, { status: string; reason: string | null; history: number }>();
  const payments = new Map<string, { status: string; amount: number | null }>();
  const sagas = new Map<string, { state: string; steps: number }>();

  // Appends never interleave in `$all`, so ordering appends by their last position orders every event.
  const inOrder = [...written].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  for (const { append } of inOrder) {
    for (const { type, data } of append.events as Array<{ type: string; data: Data }>) {
      const sku = data.sku as string;
      const orderId = data.orderId as string;
      const quantity = data.quantity as number;
      const counters = stock.get(sku) ?? { onHand: 0, reserved: 0 };
      if (type === 'ProductAdded') products.set(sku, data as { name: string; price: number; currency: string });
      const product = products.get(sku);
      if (type === 'ProductPriceChanged' && product) products.set(sku, { ...product, price: data.price as number });
      if (type === 'StockReceived') stock.set(sku, { ...counters, onHand: counters.onHand + quantity });
      if (type === 'StockReserved') stock.set(sku, { ...counters, reserved: counters.reserved + quantity });
      if (type === 'StockReleased') stock.set(sku, { ...counters, reserved: counters.reserved - quantity });
      if (type === 'StockCommitted') stock.set(sku, { onHand: counters.onHand - quantity, reserved: counters.reserved - quantity });
      if (orderId === undefined) continue;

      const order = orders.get(orderId) ?? { status: 'none', reason: null, history: 0 };
      order.history += 1;
      const status = { OrderPlaced: 'placed', OrderConfirmed: 'confirmed', OrderRejected: 'rejected', OrderCancelled: 'cancelled' }[type];
      if (status) Object.assign(order, { status, reason: (data.reason as string | undefined) ?? null });
      orders.set(orderId, order);

      const amount = (data.amount as number | undefined) ?? payments.get(orderId)?.amount ?? null;
      const paid = { PaymentAuthorized: 'authorized', PaymentDeclined: 'declined', PaymentRefunded: 'refunded' }[type];
      if (paid) payments.set(orderId, { status: paid, amount });

      if (append.stream.startsWith('fulfillment-')) {
        const saga = sagas.get(orderId) ?? { state: 'none', steps: 0 };
        saga.steps += 1;
        if (type === 'FulfillmentCompleted') saga.state = data.outcome as string;
        sagas.set(orderId, saga);
      }
    }
  }
  const lines = <T>(map: Map<string, T>, show: (key: string, value: T) => string) =>
    [...map].map(([key, value]) => show(key, value)).sort();
  return {
    products: lines(products, (sku, p) => `${sku} ${p.name} ${p.price} ${p.currency}`),
    inventory: lines(stock, (sku, s) => `${sku} onHand=${s.onHand} reserved=${s.reserved}`),
    orders: lines(orders, (id, o) => `${id} ${o.status} ${o.reason ?? '-'} history=${o.history}`),
    payments: lines(payments, (id, p) => `${id} ${p.status} ${p.amount ?? '-'}`),
    fulfillment: lines(sagas, (id, s) => `${id} ${s.state} steps=${s.steps}`),
  };
}

/** The same facts, read from a database's read models, for the workload's keys only. */
export async function actualFacts(db: Queryable, workload: Workload): Promise<Facts> {
  const skus = [workload.skus];
  const orderIds = [workload.orderIds];
  const text = async (sql: string, values: unknown[]) =>
    (await db.query<{ line: string }>(`SELECT line FROM (${sql}) AS facts ORDER BY line COLLATE "C"`, values)).rows.map((row) => row.line);
  return {
    products: await text(`SELECT concat_ws(' ', sku, name, price, currency) AS line FROM products WHERE sku = ANY($1)`, skus),
    inventory: await text(`SELECT format('%s onHand=%s reserved=%s', sku, on_hand, reserved) AS line FROM inventory WHERE sku = ANY($1)`, skus),
    orders: await text(
      `SELECT format('%s %s %s history=%s', o.order_id, o.status, COALESCE(o.reason, '-'),
                     (SELECT count(*) FROM order_history h WHERE h.order_id = o.order_id)) AS line
         FROM orders o WHERE o.order_id = ANY($1::uuid[])`,
      orderIds,
    ),
    payments: await text(
      `SELECT format('%s %s %s', order_id, status, COALESCE(amount::text, '-')) AS line FROM payments WHERE order_id = ANY($1::uuid[])`,
      orderIds,
    ),
    fulfillment: await text(
      `SELECT format('%s %s steps=%s', s.order_id, s.state,
                     (SELECT count(*) FROM fulfillment_steps f WHERE f.order_id = s.order_id)) AS line
         FROM fulfillment_sagas s WHERE s.order_id = ANY($1::uuid[])`,
      orderIds,
    ),
  };
}
