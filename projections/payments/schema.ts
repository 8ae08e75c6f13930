import type { Migration } from '../../infra/postgres/migrations.ts';

/**
 * One row per order's payment. A decline names no amount, so amount and currency are null
 * for an order whose only payment event is a decline.
 */
export const paymentsMigrations: readonly Migration[] = [
  {
    id: 'payments_0001_create',
    sql: `
      CREATE TABLE payments (
        order_id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('authorized', 'declined', 'refunded')),
        amount bigint,
        currency text,
        position numeric(20) NOT NULL
      )`,
  },
];
