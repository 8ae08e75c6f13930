import type { Migration } from '../../infra/postgres/migrations.ts';

/**
 * One row per sku. `available` is derived (onHand − reserved) at read time, so it can never
 * disagree with the two counters. `position` is the last `$all` position applied to the row
 * (numeric(20): uint64); every delta is guarded by it.
 */
export const inventoryMigrations: readonly Migration[] = [
  {
    id: 'inventory_0001_create',
    sql: `
      CREATE TABLE inventory (
        sku text COLLATE "C" PRIMARY KEY,
        on_hand bigint NOT NULL,
        reserved bigint NOT NULL,
        position numeric(20) NOT NULL
      )`,
  },
];
