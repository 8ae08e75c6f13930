import { orderId as orderIdSchema } from '../../domain/shared/identifiers.ts';
import { InvalidCursorError, pageSize, toPage, type Page, type Queryable } from '../shared/page.ts';
import type { PaymentStatus } from './payments-projection.ts';

/** An order's payment as the query API serves it. */
export interface PaymentView {
  orderId: string;
  status: PaymentStatus;
  amount: number | null;
  currency: string | null;
  position: string;
}

interface PaymentRow {
  order_id: string;
  status: PaymentStatus;
  amount: string | null;
  currency: string | null;
  position: string;
}

const toView = (row: PaymentRow): PaymentView => ({
  orderId: row.order_id,
  status: row.status,
  amount: row.amount === null ? null : Number(row.amount),
  currency: row.currency,
  position: row.position,
});

const columns = 'order_id, status, amount, currency, position::text AS position';

// The column is uuid: a malformed id would be a SQL error, so it is simply not found.
const isOrderId = (text: string) => orderIdSchema.safeParse(text).success;

export async function getPayment(db: Queryable, orderId: string): Promise<PaymentView | undefined> {
  if (!isOrderId(orderId)) return undefined;
  const { rows } = await db.query<PaymentRow>(`SELECT ${columns} FROM payments WHERE order_id = $1::uuid`, [orderId]);
  return rows[0] && toView(rows[0]);
}

/** Payments by order id; the cursor is the last order id served. */
export async function listPayments(db: Queryable, options: { limit?: number; cursor?: string } = {}): Promise<Page<PaymentView>> {
  const size = pageSize(options.limit);
  if (options.cursor !== undefined && !isOrderId(options.cursor)) throw new InvalidCursorError(options.cursor);
  const { rows } = await db.query<PaymentRow>(
    `SELECT ${columns} FROM payments WHERE ($1::uuid IS NULL OR order_id > $1::uuid) ORDER BY order_id LIMIT $2`,
    [options.cursor ?? null, size + 1],
  );
  return toPage(rows, size, toView, (row) => row.order_id);
}
