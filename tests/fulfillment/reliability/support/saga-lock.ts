import type pg from 'pg';
import type { SubscriptionRunnerStatus } from '../../../../infra/subscriptions/index.ts';
import { metricValue, request } from './saga-http.ts';

type RunnerState = SubscriptionRunnerStatus['state'];
const states: readonly RunnerState[] = ['standby', 'running', 'catching-up', 'live', 'disconnected', 'stopped'];

/** What a process says of its runner of `group` on /metrics (projection_state): undefined when it does not answer. */
export async function runnerState(httpUrl: string, group: string): Promise<RunnerState | undefined> {
  const answer = await request(httpUrl, 'GET', '/metrics', undefined, 5_000);
  if (answer.status !== 200 || typeof answer.body !== 'string') return undefined;
  const exposition = answer.body;
  return states.find((state) => metricValue(exposition, 'projection_state', { projection: group, state }) === 1);
}

/**
 * Who holds the group's advisory lock (the runner's `hashtext('projection:' || name)`, a bigint key:
 * its high half in classid, its low half in objid) and who waits for it, as PostgreSQL sees it.
 */
export async function lockHolders(pool: pg.Pool, group: string): Promise<{ holding: number; waiting: number }> {
  const { rows } = await pool.query<{ holding: number; waiting: number }>(
    `SELECT count(*) FILTER (WHERE granted)::int AS holding, count(*) FILTER (WHERE NOT granted)::int AS waiting
       FROM pg_locks
      WHERE locktype = 'advisory' AND objsubid = 1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((classid::bigint << 32) | objid::bigint) = hashtext('projection:' || $1)::bigint`,
    [group],
  );
  return rows[0] ?? { holding: 0, waiting: 0 };
}

/** The group's checkpoint row: its epoch grows by one with every lease taken. */
export async function checkpointRow(pool: pg.Pool, group: string): Promise<{ epoch: bigint; position: bigint | undefined }> {
  const { rows } = await pool.query<{ epoch: string; position: string | null }>('SELECT epoch::text, position::text FROM checkpoints WHERE name = $1', [group]);
  const row = rows[0];
  return { epoch: row ? BigInt(row.epoch) : 0n, position: row?.position ? BigInt(row.position) : undefined };
}
