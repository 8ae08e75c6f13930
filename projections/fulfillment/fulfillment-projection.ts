import type { Projection, SqlStatement } from '../projection.ts';
import { eventTime, positionParam } from '../shared/page.ts';
import { fulfillmentEventTypes, isFulfillmentEvent, stateAfter, stepDetails, type SagaState } from './saga-steps.ts';
import { fulfillmentMigrations } from './schema.ts';
import { fulfillmentCategory } from '../../domain/fulfillment/index.ts';
import { unparsedKeyFrom } from '../../infra/subscriptions/unparsed-key.ts';

/**
 * Overwrites the state only from a newer event that sets one (a saga first seen through a step
 * that sets none is reserving stock), so a replay or a late event leaves it be. The deadline is
 * set once per saga: a newer FulfillmentDeadlineSet replaces it, an older one only fills a gap.
 * `updated_at` is the time of the newest step. Every branch recomputes the same values on a
 * replay: idempotent without a WHERE.
 */
const upsertSaga = (
  orderId: string,
  state: SagaState | undefined,
  deadline: string | null,
  at: string,
  position: string,
): SqlStatement => ({
  text: `INSERT INTO fulfillment_sagas AS saga (order_id, state, deadline, updated_at, position)
         VALUES ($1, COALESCE($2, 'reserving_stock'), $3, $4, $5)
         ON CONFLICT (order_id) DO UPDATE SET
           state = CASE WHEN $2::text IS NOT NULL AND saga.position < excluded.position THEN $2 ELSE saga.state END,
           deadline = CASE WHEN excluded.deadline IS NOT NULL AND saga.position < excluded.position
                           THEN excluded.deadline ELSE COALESCE(saga.deadline, excluded.deadline) END,
           updated_at = CASE WHEN saga.position < excluded.position THEN excluded.updated_at ELSE saga.updated_at END,
           position = GREATEST(saga.position, excluded.position)`,
  values: [orderId, state ?? null, deadline, at, position],
});

const addStep = (orderId: string, type: string, at: string, details: object, position: string): SqlStatement => ({
  text: `INSERT INTO fulfillment_steps (order_id, position, type, at, details) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (order_id, position) DO NOTHING`,
  values: [orderId, position, type, at, JSON.stringify(details)],
});

/** One fulfillment saga's timeline: where it stands, its deadline, and every step it took. */
export const fulfillmentProjection: Projection = {
  name: 'fulfillment',
  version: 2,
  handles: fulfillmentEventTypes,
  migrations: fulfillmentMigrations,
  key: ({ event }) => (isFulfillmentEvent(event) ? event.data.orderId : ''),
  unparsedKey: unparsedKeyFrom('orderId', [fulfillmentCategory]),
  apply: ({ event, position: eventPosition, createdAt }) => {
    if (!isFulfillmentEvent(event)) return { statements: [], changes: [] };
    const { orderId } = event.data;
    const position = positionParam(eventPosition);
    const deadline = event.type === 'FulfillmentDeadlineSet' ? event.data.dueAt : null;
    const at = eventTime(createdAt);
    return {
      statements: [
        upsertSaga(orderId, stateAfter(event), deadline, at, position),
        addStep(orderId, event.type, at, stepDetails(event), position),
      ],
      changes: [{ topic: 'fulfillment', key: orderId }],
    };
  },
};
