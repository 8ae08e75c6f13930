import type pg from 'pg';
import { EventStoreUnavailableError, formatPosition, type EventStore } from '../event-store/index.ts';
import { toDatabaseError } from '../postgres/database-unavailable.ts';
import type { Projection } from './projection-contract.ts';
import type { Reaction } from './reaction.ts';
import type { SubscriptionRunnerStatus } from './runner-state.ts';

/** How far a projection trails `$all`. */
export interface ProjectionLag {
  /** Events after the checkpoint (system `$` events left out), counted up to a cap. */
  events: number;
  /** The count reached the cap: at least `events` events wait. */
  eventsAtLeast: boolean;
  /** Age in seconds of the oldest event not yet considered; 0 when none waits. */
  seconds: number;
}

/** A parked key: its dead letters wait, in order, behind the first one's error. */
export interface ParkedKeyView {
  key: string;
  events: number;
  firstPosition: string;
  error: string;
}

/** What `/projections` and `npm run projections -- status` show of one projection or reaction; JSON as it is. */
export interface ProjectionStatusView {
  name: string;
  kind: 'projection' | 'reaction';
  /** From the runner in this process when there is one; 'elsewhere' when this process runs none (another may). */
  state: SubscriptionRunnerStatus['state'] | 'elsewhere';
  /** Last `$all` position considered (decimal); null: nothing considered yet. */
  checkpoint: string | null;
  /** When the checkpoint row last moved (ISO); null: the projection never ran. */
  checkpointUpdatedAt: string | null;
  /** null: the event store did not answer in time, so how far behind is unknown (see describeProjections). */
  lag: ProjectionLag | null;
  /** Only from a runner of this process. */
  disconnectedSince: string | null;
  /** Every parked key. */
  parkedKeyCount: number;
  /** The oldest parked keys first, at most `parkedKeysShown` of them. */
  parkedKeys: ParkedKeyView[];
}

export interface DescribeProjectionsDeps {
  pool: pg.Pool;
  eventStore: EventStore;
  projections: readonly Projection[];
  /** Reactions (subscription groups that append rather than write rows), shown after the projections. */
  reactions?: readonly Pick<Reaction, 'name'>[];
  /** The runners of this process, by projection or reaction name. */
  runners?: ReadonlyMap<string, { status(): SubscriptionRunnerStatus }>;
  /**
   * Most events counted per projection (default 1,000): the count reads and decodes them all, and an
   * operator polls this page exactly when projections are far behind. Beyond the cap, `eventsAtLeast`
   * says so and `projection_lag_position` on /metrics gives the distance.
   */
  lagCountCap?: number;
  /** Most parked keys listed per projection (default 100); `parkedKeyCount` counts them all. */
  parkedKeysShown?: number;
  /** Bound on each database query (default 2,000 ms); the pool's connection timeout bounds connecting. */
  databaseTimeoutMs?: number;
}

/**
 * The state of each projection: checkpoint and parked keys from PostgreSQL (the truth, whichever
 * process runs the projection), state from this process's runner if any, lag from `$all`.
 *
 * Bounded in time: each query carries a timeout and the adapter bounds each read. An unreachable
 * database throws DatabaseUnavailableError (HTTP 503): without checkpoints there is nothing to show.
 * An unreachable event store does not: the view is most wanted exactly when something is wrong, and
 * checkpoints, states and parked keys are still known, so only `lag` becomes null.
 */
export async function describeProjections(deps: DescribeProjectionsDeps): Promise<ProjectionStatusView[]> {
  const groups = [
    ...deps.projections.map((projection) => ({ name: projection.name, kind: 'projection' as const })),
    ...(deps.reactions ?? []).map((reaction) => ({ name: reaction.name, kind: 'reaction' as const })),
  ];
  const names = groups.map((group) => group.name);
  const timeoutMs = deps.databaseTimeoutMs ?? 2_000;
  const [checkpoints, parked] = await Promise.all([
    readCheckpoints(deps.pool, names, timeoutMs),
    readParkedKeys(deps.pool, names, deps.parkedKeysShown ?? 100, timeoutMs),
  ]);
  const lags = await lagsAfter(
    deps.eventStore,
    names.map((name) => checkpoints.get(name)?.position ?? 'start'),
    deps.lagCountCap ?? 1_000,
  );
  return groups.map(({ name, kind }) => {
    const checkpoint = checkpoints.get(name);
    const runner = deps.runners?.get(name)?.status();
    const parkedKeys = parked.get(name);
    return {
      name,
      kind,
      state: runner?.state ?? 'elsewhere',
      checkpoint: checkpoint?.position === undefined ? null : formatPosition(checkpoint.position),
      checkpointUpdatedAt: checkpoint?.updatedAt.toISOString() ?? null,
      lag: lags.get(checkpoint?.position ?? 'start') ?? null,
      disconnectedSince: runner?.disconnectedSince?.toISOString() ?? null,
      parkedKeyCount: parkedKeys?.count ?? 0,
      parkedKeys: parkedKeys?.shown ?? [],
    };
  });
}

interface Checkpoint {
  position: bigint | undefined;
  updatedAt: Date;
}

async function readCheckpoints(pool: pg.Pool, names: string[], timeoutMs: number): Promise<Map<string, Checkpoint>> {
  const { rows } = await boundedQuery<{ name: string; position: string | null; updated_at: Date }>(
    pool,
    'SELECT name, position::text, updated_at FROM checkpoints WHERE name = ANY($1::text[])',
    [names],
    timeoutMs,
  );
  return new Map(
    rows.map((row) => [row.name, { position: row.position === null ? undefined : BigInt(row.position), updatedAt: row.updated_at }]),
  );
}

/** Per projection: how many keys are parked, and the oldest `shown` of them (first dead letter's error). */
async function readParkedKeys(
  pool: pg.Pool,
  names: string[],
  shown: number,
  timeoutMs: number,
): Promise<Map<string, { count: number; shown: ParkedKeyView[] }>> {
  const { rows } = await boundedQuery<{ name: string; key: string; events: number; first: string; error: string; keys: number }>(
    pool,
    `SELECT name, key, events, first::text, error, keys FROM (
       SELECT firsts.*, row_number() OVER (PARTITION BY name ORDER BY first) AS rank,
              count(*) OVER (PARTITION BY name)::int AS keys
         FROM (SELECT DISTINCT ON (name, key) name, key, count(*) OVER (PARTITION BY name, key)::int AS events,
                      position AS first, left(error, 1000) AS error
                 FROM dead_letters WHERE name = ANY($1::text[]) ORDER BY name, key, position) firsts
     ) ranked WHERE rank <= $2 ORDER BY name, first`,
    [names, shown],
    timeoutMs,
  );
  const byName = new Map<string, { count: number; shown: ParkedKeyView[] }>();
  for (const row of rows) {
    const entry = byName.get(row.name) ?? { count: row.keys, shown: [] };
    entry.shown.push({ key: row.key, events: row.events, firstPosition: row.first, error: row.error });
    byName.set(row.name, entry);
  }
  return byName;
}

async function boundedQuery<Row extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[],
  timeoutMs: number,
): Promise<pg.QueryResult<Row>> {
  // pg honours query_timeout per query (its types omit it), as pingDatabase does.
  const query: pg.QueryConfig & { query_timeout: number } = { text, values, query_timeout: timeoutMs };
  try {
    return await pool.query<Row>(query);
  } catch (error) {
    throw toDatabaseError(error);
  }
}

/**
 * The lag after each distinct checkpoint: one bounded read of at most `cap` events each (projections
 * at the same checkpoint, as live ones are, share it). A checkpoint the event store does not answer for
 * in time gets no entry (lag unknown).
 */
async function lagsAfter(
  eventStore: EventStore,
  checkpoints: Array<bigint | 'start'>,
  cap: number,
): Promise<Map<bigint | 'start', ProjectionLag>> {
  const distinct = [...new Set(checkpoints)];
  const lags = await Promise.all(
    distinct.map(async (from) => {
      try {
        return await lagAfter(eventStore, from, cap);
      } catch (error) {
        if (error instanceof EventStoreUnavailableError) return undefined;
        throw error;
      }
    }),
  );
  const byCheckpoint = new Map<bigint | 'start', ProjectionLag>();
  distinct.forEach((from, index) => {
    const lag = lags[index];
    if (lag) byCheckpoint.set(from, lag);
  });
  return byCheckpoint;
}

async function lagAfter(eventStore: EventStore, from: bigint | 'start', cap: number): Promise<ProjectionLag> {
  const read = await eventStore.readAllAfter(from, cap);
  const waiting = read.filter((event) => !event.type.startsWith('$'));
  const oldest = waiting[0];
  return {
    events: waiting.length,
    eventsAtLeast: read.length >= cap,
    seconds: oldest ? Math.max(0, Math.round(Date.now() - oldest.createdAt.getTime()) / 1000) : 0,
  };
}
