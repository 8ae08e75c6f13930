import { pageSize, toPage, type Page, type Queryable } from '../shared/page.ts';

/** A product as the query API serves it. */
export interface ProductView {
  sku: string;
  name: string;
  price: number;
  currency: string;
  position: string;
}

interface ProductRow {
  sku: string;
  name: string;
  price: string;
  currency: string;
  position: string;
}

// Skus compare bytewise (COLLATE "C" in the schema), so the cursor order never depends on locale.
// price is bigint (pg hands it out as text) and position numeric (text): cast explicitly here.
const toView = (row: ProductRow): ProductView => ({
  sku: row.sku,
  name: row.name,
  price: Number(row.price),
  currency: row.currency,
  position: row.position,
});

const columns = 'sku, name, price, currency, position::text AS position';

export async function getProduct(db: Queryable, sku: string): Promise<ProductView | undefined> {
  const { rows } = await db.query<ProductRow>(`SELECT ${columns} FROM products WHERE sku = $1`, [sku]);
  return rows[0] && toView(rows[0]);
}

/** Products by sku; the cursor is the last sku served. */
export async function listProducts(db: Queryable, options: { limit?: number; cursor?: string } = {}): Promise<Page<ProductView>> {
  const size = pageSize(options.limit);
  const { rows } = await db.query<ProductRow>(
    `SELECT ${columns} FROM products WHERE ($1::text IS NULL OR sku > $1) ORDER BY sku LIMIT $2`,
    [options.cursor ?? null, size + 1],
  );
  return toPage(rows, size, toView, (row) => row.sku);
}
