import type { Migration } from '../../infra/postgres/migrations.ts';

/**
 * The simulated gateway's own ledger: what it authorized and refunded survives a crash of the payments
 * process, as a real provider's would. One row per idempotency key (key_hash = sha256 of the key, so a
 * long key never meets the btree entry limit); `outcome` stays NULL while a key only failed transiently.
 * A refund row's provider_ref names the authorization it gives back; at most one refund per authorization.
 * The launcher adds this list to the migrations it runs.
 */
export const simulatedGatewayMigrations: readonly Migration[] = [
  {
    id: 'simulated_gateway_0001_create',
    sql: `
      CREATE TABLE simulated_gateway_operations (
        key_hash        bytea       PRIMARY KEY,
        idempotency_key text        NOT NULL,
        kind            text        NOT NULL CHECK (kind IN ('authorize', 'refund')),
        order_id        text        NOT NULL,
        amount          bigint      NOT NULL CHECK (amount > 0),
        currency        text        NOT NULL,
        outcome         text        CHECK (outcome IN ('authorized', 'declined', 'refunded', 'refused')),
        reason          text,
        provider_ref    text,
        attempts        integer     NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX simulated_gateway_operations_by_order ON simulated_gateway_operations (order_id);
      CREATE UNIQUE INDEX simulated_gateway_authorizations_by_ref ON simulated_gateway_operations (provider_ref)
        WHERE kind = 'authorize' AND outcome = 'authorized';
      CREATE UNIQUE INDEX simulated_gateway_one_refund_per_authorization ON simulated_gateway_operations (provider_ref)
        WHERE kind = 'refund' AND outcome = 'refunded';
    `,
  },
];
