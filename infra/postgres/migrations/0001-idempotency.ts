import type { Migration } from '../migrations.ts';

/**
 * The stored outcomes of HTTP commands sent with an Idempotency-Key (see
 * command-services/shared/idempotency/idempotency-store.ts for how the rows are used).
 *
 * key_hash is sha256(route NUL key): the raw key (up to 255 characters) and the route (it holds path
 * parameters) never go into an index, whose entries fail above ~2.7 KB, and the same key on two routes is
 * two rows. request_hash is sha256 of the canonical JSON of the body, to refuse a key reused for another
 * request. A pending row is a lease: `owner` runs the command until `lease_until`, after which another
 * request for the same key and body may take it over.
 */
export const idempotencyMigration: Migration = {
  id: '0001_idempotency',
  sql: `
    CREATE TABLE idempotency_keys (
      key_hash     bytea       PRIMARY KEY,
      route        text        NOT NULL,
      request_hash bytea       NOT NULL,
      state        text        NOT NULL CHECK (state IN ('pending', 'done')),
      owner        uuid        NOT NULL,
      lease_until  timestamptz NOT NULL,
      status       integer,
      headers      jsonb,
      body         bytea,
      created_at   timestamptz NOT NULL DEFAULT now(),
      CHECK (state = 'pending' OR (status IS NOT NULL AND headers IS NOT NULL AND body IS NOT NULL))
    );
    -- The periodic purge finds old entries by age.
    CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
  `,
};
