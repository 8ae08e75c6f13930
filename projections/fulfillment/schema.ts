import type { Migration } from '../../infra/postgres/migrations.ts';

/**
 * One row per saga (`fulfillment_sagas`) and one per saga event (`fulfillment_steps`, keyed by
 * the event's `$all` position, so a replayed step is a primary-key no-op). A step's own fields
 * (sku, quantity, amount…) live in `details`: they differ by step type.
 */
export const fulfillmentMigrations: readonly Migration[] = [
  {
    id: 'fulfillment_0001_create',
    sql: `
      CREATE TABLE fulfillment_sagas (
        order_id uuid PRIMARY KEY,
        state text NOT NULL,
        deadline timestamptz,
        position numeric(20) NOT NULL
      );

      CREATE TABLE fulfillment_steps (
        order_id uuid NOT NULL,
        position numeric(20) NOT NULL,
        type text NOT NULL,
        at timestamptz NOT NULL,
        details jsonb NOT NULL,
        PRIMARY KEY (order_id, position)
      )`,
  },
  {
    // When the saga last took a step: /metrics counts sagas that stopped making progress.
    id: 'fulfillment_0002_updated_at',
    sql: `
      ALTER TABLE fulfillment_sagas ADD COLUMN updated_at timestamptz;
      UPDATE fulfillment_sagas s SET updated_at = (SELECT max(at) FROM fulfillment_steps f WHERE f.order_id = s.order_id);
      CREATE INDEX fulfillment_sagas_by_state ON fulfillment_sagas (state)`,
  },
];
