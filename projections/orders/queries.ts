import { orderId as orderIdSchema } from '../../domain/shared/identifiers.ts';
import { parsePosition } from '../../infra/event-store/position.ts';
import { InvalidCursorError, isoTime, pageSize, toPage, type Page, type Queryable } from '../shared/page.ts';

export type OrderStatus = 'placed' | 'confirmed' | 'rejected' | 'cancelled';

/** An order as the query API serves it (DESIGN §5). */
export interface OrderView {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  reason: string | null;
  lines: { sku: string; quantity: number; unitPrice: number }[];
  total: number;
  currency: string;
  placedAt: string;
  updatedAt: string;
  history: { status: string; reason: string | null; at: string; position: string }[];
  position: string;
}

interface OrderRow {
  order_id: string;
  customer_id: string;
  status: OrderStatus;
  reason: string | null;
  lines: OrderView['lines'];
  total: string;
  currency: string;
  placed_at: Date;
  placed_position: string;
  updated_at: Date;
  position: string;
  history: { status: string; reason: string | null; at: string; position: string }[];
}

// History comes as JSON, where timestamps follow the session's TimeZone: normalised to UTC ISO.
const toView = (row: OrderRow): OrderView => ({
  orderId: row.order_id,
  customerId: row.customer_id,
  status: row.status,
  reason: row.reason,
  lines: row.lines,
  total: Number(row.total),
  currency: row.currency,
  placedAt: isoTime(row.placed_at),
  updatedAt: isoTime(row.updated_at),
  history: row.history.map((line) => ({ status: line.status, reason: line.reason, at: isoTime(line.at), position: line.position })),
  position: row.position,
});

const select = `
  SELECT o.order_id, o.customer_id, o.status, o.reason, o.lines, o.total, o.currency, o.placed_at,
    o.placed_position::text AS placed_position, o.updated_at, o.position::text AS position,
    COALESCE((SELECT json_agg(json_build_object('status', h.status, 'reason', h.reason, 'at', h.at,
                'position', h.position::text) ORDER BY h.position)
              FROM order_history h WHERE h.order_id = o.order_id), '[]'::json) AS history
  FROM orders o`;

// The column is uuid: a malformed id would be a SQL error, so it is simply not found.
const isOrderId = (text: string) => orderIdSchema.safeParse(text).success;

export async function getOrder(db: Queryable, orderId: string): Promise<OrderView | undefined> {
  if (!isOrderId(orderId)) return undefined;
  const { rows } = await db.query<OrderRow>(`${select} WHERE o.order_id = $1::uuid`, [orderId]);
  return rows[0] && toView(rows[0]);
}

export interface ListOrdersOptions {
  customerId?: string;
  status?: OrderStatus;
  limit?: number;
  cursor?: string;
}

/**
 * Newest orders first. The cursor is the `$all` position of the last order's OrderPlaced:
 * unique and never changing, so pages neither skip nor repeat while orders change status.
 */
export async function listOrders(db: Queryable, options: ListOrdersOptions = {}): Promise<Page<OrderView>> {
  const size = pageSize(options.limit);
  if (options.cursor !== undefined && parsePosition(options.cursor) === undefined) throw new InvalidCursorError(options.cursor);
  const { rows } = await db.query<OrderRow>(
    `${select}
     WHERE ($1::text IS NULL OR o.customer_id = $1)
       AND ($2::text IS NULL OR o.status = $2)
       AND ($3::numeric IS NULL OR o.placed_position < $3::numeric)
     ORDER BY o.placed_position DESC
     LIMIT $4`,
    [options.customerId ?? null, options.status ?? null, options.cursor ?? null, size + 1],
  );
  return toPage(rows, size, toView, (row) => row.placed_position);
}

/**
 * Orders whose latest change is after `after` (all of them when absent), optionally only these ids, in
 * the order they last changed: what the live fan-out sends, equal to what GET /orders/:id answers.
 */
export async function changedOrders(db: Queryable, options: { after?: bigint; orderIds?: readonly string[]; limit: number }): Promise<OrderView[]> {
  const { rows } = await db.query<OrderRow>(
    `${select}
     WHERE ($1::numeric IS NULL OR o.position > $1::numeric) AND ($2::uuid[] IS NULL OR o.order_id = ANY($2::uuid[]))
     ORDER BY o.position
     LIMIT $3`,
    [options.after?.toString(10) ?? null, options.orderIds?.filter(isOrderId) ?? null, options.limit],
  );
  return rows.map(toView);
}
