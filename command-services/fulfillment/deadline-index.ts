import type { FulfillmentEvent } from '../../domain/fulfillment/index.ts';
import type { Migration } from '../../infra/postgres/migrations.ts';
import type { Projection, SqlStatement } from '../../projections/projection.ts';
import { positionParam } from '../../projections/shared/page.ts';

/**
 * The saga's due-time index: one row per saga, `due_at` set while the saga waits on stock or
 * payment, NULL once its verdict is asked for. Kept by the projection runner from the saga's own
 * events (rows and checkpoint in one transaction), so it survives restarts and needs no
 * scheduler of its own: the deadline scheduler only asks it what is due.
 */
export const deadlineIndexMigrations: readonly Migration[] = [
  {
    id: 'fulfillment_deadlines_0001_create',
    sql: `
      CREATE TABLE fulfillment_deadlines (
        order_id uuid PRIMARY KEY,
        due_at timestamptz,
        correlation_id text NOT NULL,
        position numeric(20) NOT NULL
      );
      CREATE INDEX fulfillment_deadlines_due ON fulfillment_deadlines (due_at) WHERE due_at IS NOT NULL`,
  },
];

/** The events after which the saga no longer waits on its deadline: the verdict is given. */
const verdictTypes = [
  'OrderConfirmationRequested',
  'OrderRejectionRequested',
  'OrderCancellationApproved',
  'FulfillmentTimedOut',
  'FulfillmentCompleted',
] as const satisfies readonly FulfillmentEvent['type'][];

/** Guarded by position: a replayed or older event never reopens a deadline that a newer one closed. */
const setDueAt = (orderId: string, dueAt: string | null, correlationId: string, position: string): SqlStatement => ({
  text: `INSERT INTO fulfillment_deadlines AS d (order_id, due_at, correlation_id, position) VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_id) DO UPDATE SET due_at = excluded.due_at, position = excluded.position
         WHERE d.position < excluded.position`,
  values: [orderId, dueAt, correlationId, position],
});

export const deadlineIndexProjection: Projection = {
  name: 'fulfillment-deadlines',
  version: 1,
  handles: ['FulfillmentDeadlineSet', ...verdictTypes],
  migrations: deadlineIndexMigrations,
  key: ({ event }) => ('orderId' in event.data ? event.data.orderId : ''),
  apply: ({ event, metadata, position }) => {
    if (!('orderId' in event.data)) return { statements: [], changes: [] };
    const dueAt = event.type === 'FulfillmentDeadlineSet' ? event.data.dueAt : null;
    const correlationId = typeof metadata.correlationId === 'string' ? metadata.correlationId : event.data.orderId;
    return { statements: [setDueAt(event.data.orderId, dueAt, correlationId, positionParam(position))], changes: [] };
  },
};
