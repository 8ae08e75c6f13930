import type { Migration } from '../migrations.ts';

/**
 * A key whose command failed without a decision (a 5xx) is kept as `released` rather than deleted, so the
 * next request with it knows an earlier run may have appended before failing, and looks for that run's
 * events; a key never used before needs no such look, which on a long stream is a read of all of it.
 */
export const idempotencyReleasedMigration: Migration = {
  id: '0003_idempotency_released',
  sql: `
    ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_state_check;
    ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_check;
    ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_state_check CHECK (state IN ('pending', 'done', 'released'));
    ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_check
      CHECK (state <> 'done' OR (status IS NOT NULL AND headers IS NOT NULL AND body IS NOT NULL));
  `,
};
