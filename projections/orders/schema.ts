import type { Migration } from '../../infra/postgres/migrations.ts';

/**
 * `orders` holds one row per order; `order_history` one row per event about it, keyed by the
 * event's `$all` position, so inserting an entry twice (a replay) is a no-op by construction.
 *
 * Three positions on an order, because events about it come from four streams:
 * - `placed_position`: the OrderPlaced event, unique, the keyset order of the list (newest first);
 * - `status_position`: the last event that set `status`, guarding status changes;
 * - `position`: the last event of any kind applied (what `updatedAt` and the answer's position say).
 * Keeping status apart means a late history-only event never blocks a newer status, and vice versa.
 */
export const ordersMigrations: readonly Migration[] = [
  {
    id: 'orders_0001_create',
    sql: `
      CREATE TABLE orders (
        order_id uuid PRIMARY KEY,
        customer_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('placed', 'confirmed', 'rejected', 'cancelled')),
        reason text,
        lines jsonb NOT NULL,
        total bigint NOT NULL,
        currency text NOT NULL,
        placed_at timestamptz NOT NULL,
        placed_position numeric(20) NOT NULL UNIQUE,
        status_position numeric(20) NOT NULL,
        updated_at timestamptz NOT NULL,
        position numeric(20) NOT NULL
      );
      CREATE INDEX orders_by_customer ON orders (customer_id, placed_position DESC);
      CREATE INDEX orders_by_status ON orders (status, placed_position DESC);

      CREATE TABLE order_history (
        order_id uuid NOT NULL,
        position numeric(20) NOT NULL,
        status text NOT NULL,
        reason text,
        at timestamptz NOT NULL,
        PRIMARY KEY (order_id, position)
      )`,
  },
  {
    // The live fan-out resumes the `orders` topic from a position: "changed after P" is a range of this
    // index. (inventory has none: one row per sku is few enough to scan, and its updates stay HOT.)
    id: 'orders_0002_by_position',
    sql: 'CREATE INDEX orders_by_position ON orders (position)',
  },
];
