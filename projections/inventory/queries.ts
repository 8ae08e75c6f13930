import { pageSize, toPage, type Page, type Queryable } from '../shared/page.ts';

/** A sku's stock as the query API serves it. */
export interface InventoryView {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  position: string;
}

// bigint and numeric come back from pg as text: converted here, positions kept as decimal text.
interface InventoryRow {
  sku: string;
  on_hand: string;
  reserved: string;
  position: string;
}

const toView = (row: InventoryRow): InventoryView => {
  const onHand = Number(row.on_hand);
  const reserved = Number(row.reserved);
  return { sku: row.sku, onHand, reserved, available: onHand - reserved, position: row.position };
};

const columns = 'sku, on_hand, reserved, position::text AS position';

export async function getInventory(db: Queryable, sku: string): Promise<InventoryView | undefined> {
  const { rows } = await db.query<InventoryRow>(`SELECT ${columns} FROM inventory WHERE sku = $1`, [sku]);
  return rows[0] && toView(rows[0]);
}

/** Stock by sku (bytewise order, COLLATE "C"); the cursor is the last sku served. */
export async function listInventory(db: Queryable, options: { limit?: number; cursor?: string } = {}): Promise<Page<InventoryView>> {
  const size = pageSize(options.limit);
  const { rows } = await db.query<InventoryRow>(
    `SELECT ${columns} FROM inventory WHERE ($1::text IS NULL OR sku > $1) ORDER BY sku LIMIT $2`,
    [options.cursor ?? null, size + 1],
  );
  return toPage(rows, size, toView, (row) => row.sku);
}

/**
 * Skus whose stock last changed after `after` (all when absent), optionally only these, in the order they
 * last changed: what the live fan-out sends, equal to what GET /inventory/:sku answers.
 */
export async function changedInventory(db: Queryable, options: { after?: bigint; skus?: readonly string[]; limit: number }): Promise<InventoryView[]> {
  const { rows } = await db.query<InventoryRow>(
    `SELECT ${columns} FROM inventory
     WHERE ($1::numeric IS NULL OR position > $1::numeric) AND ($2::text[] IS NULL OR sku = ANY($2::text[]))
     ORDER BY position
     LIMIT $3`,
    [options.after?.toString(10) ?? null, options.skus ?? null, options.limit],
  );
  return rows.map(toView);
}
