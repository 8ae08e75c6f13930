import type pg from 'pg';
import type { EventStore } from '../../../../infra/event-store/index.ts';

/** A line every couple of seconds: orders by status, and how far behind the head each group is. */
export interface ProgressLog {
  lines(): string[];
  stop(): Promise<void>;
}

/**
 * Samples the system while a test runs, so that a failure can show how it got there (which group fell
 * behind, when orders stopped ending). Sampling failures (a database gone at the end) are skipped.
 */
export function logProgress(system: () => { pool: pg.Pool; eventStore: EventStore } | undefined, startedAt: number, everyMs = 2_000): ProgressLog {
  const lines: string[] = [];
  let sampling: Promise<void> = Promise.resolve();
  const sample = async () => {
    const clients = system();
    if (!clients) return;
    const { pool, eventStore } = clients;
    const head = await eventStore.headPosition();
    const { rows: groups } = await pool.query<{ name: string; position: string | null; epoch: string }>(
      'SELECT name, position::text, epoch::text FROM checkpoints ORDER BY name',
    );
    const { rows: statuses } = await pool.query<{ status: string; n: string }>('SELECT status, count(*)::text AS n FROM orders GROUP BY status ORDER BY status');
    const lag = groups.map((group) => `${group.name}=${group.position === null ? 'none' : (head - BigInt(group.position)).toString()}@${group.epoch}`);
    lines.push(`${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${statuses.map((row) => `${row.status} ${row.n}`).join(', ')} | behind (bytes@epoch): ${lag.join(' ')}`);
    if (lines.length > 200) lines.shift();
  };
  const timer = setInterval(() => {
    sampling = sampling.then(sample).catch(() => undefined);
  }, everyMs);
  return {
    lines: () => [...lines],
    stop: async () => {
      clearInterval(timer);
      await sampling;
    },
  };
}
