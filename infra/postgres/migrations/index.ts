import type { Migration } from '../migrations.ts';
import { idempotencyMigration } from './0001-idempotency.ts';
import { subscriptionsMigration } from './0002-subscriptions.ts';
import { idempotencyReleasedMigration } from './0003-idempotency-released.ts';
import { deadLettersEventTextMigration } from './0004-dead-letters-event-text.ts';

/**
 * The migrations of the shared infrastructure, in order. Other modules (projections) export their own
 * lists; the launcher concatenates them and migrate() refuses duplicate ids.
 */
export const coreMigrations: readonly Migration[] = [
  idempotencyMigration,
  subscriptionsMigration,
  idempotencyReleasedMigration,
  deadLettersEventTextMigration,
];
