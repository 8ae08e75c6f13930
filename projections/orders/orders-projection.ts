import type { StoredEvent } from '../../domain/events.ts';
import type { ProjectedEvent, Projection, SqlStatement } from '../projection.ts';
import { eventTime, positionParam } from '../shared/page.ts';
import { historyEntry, orderHistoryEventTypes, statusAfter, type HistoryEntry } from './order-history.ts';
import { ordersMigrations } from './schema.ts';
import { orderCategory } from '../../domain/order/index.ts';
import { paymentCategory } from '../../domain/payment/index.ts';
import { fulfillmentCategory } from '../../domain/fulfillment/index.ts';
import { unparsedKeyFrom } from '../../infra/subscriptions/unparsed-key.ts';

/** Inserting a history line keyed by position is idempotent: a replay hits the primary key. */
const addHistory = (entry: HistoryEntry, position: string, at: string): SqlStatement => ({
  text: `INSERT INTO order_history (order_id, position, status, reason, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (order_id, position) DO NOTHING`,
  values: [entry.orderId, position, entry.status, entry.reason, at],
});

/**
 * The order row, from the one event that creates it. Only the named line fields are copied:
 * the event's payment token is never read. `DO NOTHING` on a second delivery. Runs after this
 * event's history line is in, and takes status, `updatedAt` and `position` from the newest
 * history lines: events about the order that somehow arrived before it (a rebuild from a
 * partial log, a retried parked key) are then reflected, not just listed.
 */
const insertOrder = (event: Extract<StoredEvent, { type: 'OrderPlaced' }>, position: string, at: string): SqlStatement => {
  const { orderId, customerId, lines, total, currency } = event.data;
  const placedLines = lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice }));
  return {
    text: `INSERT INTO orders (order_id, customer_id, status, reason, lines, total, currency,
             placed_at, placed_position, status_position, updated_at, position)
           SELECT $1, $2, COALESCE(latest_status.status, 'placed'), latest_status.reason, $3, $4, $5,
             $6, $7, COALESCE(latest_status.position, $7), COALESCE(latest.at, $6), COALESCE(latest.position, $7)
           FROM (SELECT 1) AS this_event
           LEFT JOIN LATERAL (SELECT status, reason, position FROM order_history
                              WHERE order_id = $1 AND status IN ('placed', 'confirmed', 'rejected', 'cancelled')
                              ORDER BY position DESC LIMIT 1) AS latest_status ON true
           LEFT JOIN LATERAL (SELECT at, position FROM order_history WHERE order_id = $1
                              ORDER BY position DESC LIMIT 1) AS latest ON true
           ON CONFLICT (order_id) DO NOTHING`,
    values: [orderId, customerId, JSON.stringify(placedLines), total, currency, at, position],
  };
};

/**
 * A status change applies only over an older status (`status_position <`), so a replay or a late
 * event never turns a terminal order back. `updatedAt` and `position` move forward only.
 */
const setStatus = (entry: HistoryEntry, status: string, position: string, at: string): SqlStatement => ({
  text: `UPDATE orders SET status = $3, reason = $4, status_position = $2,
           updated_at = CASE WHEN position < $2 THEN $5::timestamptz ELSE updated_at END,
           position = GREATEST(position, $2)
         WHERE order_id = $1 AND status_position < $2`,
  values: [entry.orderId, position, status, entry.reason, at],
});

/** Saga progress touches only `updatedAt` and `position`, forward only. */
const touch = (entry: HistoryEntry, position: string, at: string): SqlStatement => ({
  text: 'UPDATE orders SET updated_at = $3, position = $2 WHERE order_id = $1 AND position < $2',
  values: [entry.orderId, position, at],
});

function statementsFor({ event, position: eventPosition, createdAt }: ProjectedEvent): SqlStatement[] {
  const entry = historyEntry(event);
  if (!entry) return [];
  const position = positionParam(eventPosition);
  const at = eventTime(createdAt);
  const status = statusAfter(event);
  const row =
    event.type === 'OrderPlaced'
      ? insertOrder(event, position, at)
      : status
        ? setStatus(entry, status, position, at)
        : touch(entry, position, at);
  // History first: the order's insert reads it.
  return [addHistory(entry, position, at), row];
}

/**
 * Orders with their status and a history of everything that happened to them, from the order,
 * fulfillment, payment and inventory streams. The key is the order id for all of them, so one
 * order's events stay in order and a parked order holds up no other.
 */
export const ordersProjection: Projection = {
  name: 'orders',
  version: 1,
  handles: orderHistoryEventTypes,
  migrations: ordersMigrations,
  key: ({ event }) => historyEntry(event)?.orderId ?? '',
  // (Stock events live in inventory-<sku> streams: only their data names the order.)
  unparsedKey: unparsedKeyFrom('orderId', [orderCategory, paymentCategory, fulfillmentCategory]),
  apply: (projected) => {
    const statements = statementsFor(projected);
    const orderId = historyEntry(projected.event)?.orderId;
    return { statements, changes: orderId && statements.length > 0 ? [{ topic: 'order', key: orderId }] : [] };
  },
};
