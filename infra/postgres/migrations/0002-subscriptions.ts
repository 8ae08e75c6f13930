import type { Migration } from '../migrations.ts';

/**
 * The projection runner's bookkeeping (see infra/subscriptions/).
 *
 * checkpoints: the last `$all` position a projection has considered (NULL: nothing yet, start from the
 * beginning) and the epoch of the worker allowed to commit; every batch commits `WHERE epoch = mine`, so a
 * worker that lost its advisory lock can never move the checkpoint. Positions are uint64: numeric(20).
 *
 * dead_letters: events a projection could not apply, and every later event of the same key, in `$all`
 * order, waiting for a retry once the cause is fixed.
 */
export const subscriptionsMigration: Migration = {
  id: '0002_subscriptions',
  sql: `
    CREATE TABLE checkpoints (
      name       text          PRIMARY KEY,
      position   numeric(20),
      epoch      bigint        NOT NULL DEFAULT 0,
      updated_at timestamptz   NOT NULL DEFAULT now()
    );
    CREATE TABLE dead_letters (
      name      text          NOT NULL,
      key       text          NOT NULL,
      position  numeric(20)   NOT NULL,
      event     jsonb         NOT NULL,
      error     text          NOT NULL,
      parked_at timestamptz   NOT NULL DEFAULT now(),
      PRIMARY KEY (name, position)
    );
    -- A key's dead letters are replayed in order, and every batch asks which of its keys are parked.
    CREATE INDEX dead_letters_by_key ON dead_letters (name, key, position);
  `,
};
