import type { Migration } from '../../infra/postgres/migrations.ts';

/**
 * `position` is the `$all` position of the last event applied to the row: numeric(20) because a
 * uint64 does not fit bigint. Every update is guarded by it, so a replay changes nothing.
 */
export const productsMigrations: readonly Migration[] = [
  {
    id: 'products_0001_create',
    sql: `
      CREATE TABLE products (
        sku text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        price bigint NOT NULL,
        currency text NOT NULL,
        position numeric(20) NOT NULL
      )`,
  },
];
