import type { Migration } from '../migrations.ts';

/**
 * dead_letters.event holds the event's copy as JSON text rather than jsonb: jsonb refuses `\u0000`, which
 * is valid JSON and which the event store accepts, and a copy that cannot be stored cannot be parked
 * (the batch rolls back, and every key of the group waits behind it). The copy is for reading and
 * replaying; nothing queries inside it.
 */
export const deadLettersEventTextMigration: Migration = {
  id: '0004_dead_letters_event_text',
  sql: `ALTER TABLE dead_letters ALTER COLUMN event TYPE text USING event::text;`,
};
