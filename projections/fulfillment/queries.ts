import { orderId as orderIdSchema } from '../../domain/shared/identifiers.ts';
import { InvalidCursorError, isoTime, pageSize, toPage, type Page, type Queryable } from '../shared/page.ts';
import type { SagaState } from './saga-steps.ts';

/** One step of a saga: its event type, time and position, plus that step's own fields. */
export type FulfillmentStepView = { type: string; at: string; position: string } & Record<string, string | number>;

/** A fulfillment saga's timeline as the query API serves it. */
export interface FulfillmentView {
  orderId: string;
  state: SagaState;
  deadline: string | null;
  steps: FulfillmentStepView[];
  position: string;
}

interface SagaRow {
  order_id: string;
  state: SagaState;
  deadline: Date | null;
  position: string;
  steps: { type: string; at: string; position: string; details: Record<string, string | number> }[];
}

// Step times come through JSON in the session's TimeZone: normalised to UTC ISO here.
const toView = (row: SagaRow): FulfillmentView => ({
  orderId: row.order_id,
  state: row.state,
  deadline: row.deadline && isoTime(row.deadline),
  steps: row.steps.map((step) => ({ ...step.details, type: step.type, at: isoTime(step.at), position: step.position })),
  position: row.position,
});

const select = `
  SELECT s.order_id, s.state, s.deadline, s.position::text AS position,
    COALESCE((SELECT json_agg(json_build_object('type', f.type, 'at', f.at, 'position', f.position::text,
                'details', f.details) ORDER BY f.position)
              FROM fulfillment_steps f WHERE f.order_id = s.order_id), '[]'::json) AS steps
  FROM fulfillment_sagas s`;

// The column is uuid: a malformed id would be a SQL error, so it is simply not found.
const isOrderId = (text: string) => orderIdSchema.safeParse(text).success;

export async function getFulfillment(db: Queryable, orderId: string): Promise<FulfillmentView | undefined> {
  if (!isOrderId(orderId)) return undefined;
  const { rows } = await db.query<SagaRow>(`${select} WHERE s.order_id = $1::uuid`, [orderId]);
  return rows[0] && toView(rows[0]);
}

/** Sagas by order id; the cursor is the last order id served. */
export async function listFulfillments(db: Queryable, options: { limit?: number; cursor?: string } = {}): Promise<Page<FulfillmentView>> {
  const size = pageSize(options.limit);
  if (options.cursor !== undefined && !isOrderId(options.cursor)) throw new InvalidCursorError(options.cursor);
  const { rows } = await db.query<SagaRow>(
    `${select} WHERE ($1::uuid IS NULL OR s.order_id > $1::uuid) ORDER BY s.order_id LIMIT $2`,
    [options.cursor ?? null, size + 1],
  );
  return toPage(rows, size, toView, (row) => row.order_id);
}

/** How many sagas stand where, for /metrics. */
export interface SagaCounts {
  byState: Partial<Record<SagaState, number>>;
  /** Still waiting on stock or payment although their deadline has passed: the scheduler is behind. */
  pastDeadline: number;
  /** Not yet completed, and no step since `stalledBefore`. */
  stalled: number;
}

/** One pass over the sagas table; bounded by `timeoutMs` (a scrape must answer). */
export async function countSagas(db: Queryable, options: { now: Date; stalledBefore: Date; timeoutMs: number }): Promise<SagaCounts> {
  // pg honours query_timeout per query (its types omit it).
  const query = {
    text: `SELECT state, count(*)::int AS sagas,
             count(*) FILTER (WHERE state IN ('reserving_stock', 'awaiting_payment') AND deadline < $1)::int AS past_deadline,
             count(*) FILTER (WHERE state NOT IN ('confirmed', 'rejected', 'cancelled') AND updated_at < $2)::int AS stalled
           FROM fulfillment_sagas GROUP BY state`,
    values: [options.now, options.stalledBefore],
    query_timeout: options.timeoutMs,
  };
  const { rows } = await db.query<{ state: SagaState; sagas: number; past_deadline: number; stalled: number }>(query);
  return {
    byState: Object.fromEntries(rows.map((row) => [row.state, row.sagas])),
    pastDeadline: rows.reduce((sum, row) => sum + row.past_deadline, 0),
    stalled: rows.reduce((sum, row) => sum + row.stalled, 0),
  };
}

/**
 * Sagas whose timeline last changed after `after` (all when absent), optionally only these orders, in the
 * order they last changed: what the live fan-out sends, equal to what GET /fulfillment/:orderId answers.
 */
export async function changedFulfillments(
  db: Queryable,
  options: { after?: bigint; orderIds?: readonly string[]; limit: number },
): Promise<FulfillmentView[]> {
  const { rows } = await db.query<SagaRow>(
    `${select}
     WHERE ($1::numeric IS NULL OR s.position > $1::numeric) AND ($2::uuid[] IS NULL OR s.order_id = ANY($2::uuid[]))
     ORDER BY s.position
     LIMIT $3`,
    [options.after?.toString(10) ?? null, options.orderIds?.filter(isOrderId) ?? null, options.limit],
  );
  return rows.map(toView);
}
