import type pg from 'pg';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../infra/logger.ts';
import { countSagas, type SagaCounts } from '../../projections/index.ts';

const sagaStates = ['reserving_stock', 'awaiting_payment', 'confirming', 'compensating', 'confirmed', 'rejected', 'cancelled'] as const;

export interface SagaMetricsOptions {
  pool: pg.Pool;
  logger: Logger;
  /** A saga not completed with no step for this long counts as stalled. */
  stalledAfterMs: number;
  /** Longest a scrape waits for the count (default 1,000 ms); past it, the last count is shown. */
  timeoutMs?: number;
}

/**
 * Where the sagas stand, read at scrape from the fulfillment read model: how many in each state,
 * how many past their deadline (the deadline scheduler is behind) and how many made no progress
 * for a while (something they wait on is stuck). The three gauges share one query per scrape.
 */
export function registerSagaMetrics(registry: Registry, options: SagaMetricsOptions): void {
  let last: SagaCounts | undefined;
  let pending: Promise<SagaCounts | undefined> | undefined;
  const counts = () =>
    (pending ??= countSagas(options.pool, {
      now: new Date(),
      stalledBefore: new Date(Date.now() - options.stalledAfterMs),
      timeoutMs: options.timeoutMs ?? 1_000,
    })
      .then((fresh) => (last = fresh))
      .catch((error: unknown) => {
        options.logger.warn({ err: error }, 'counting sagas for /metrics failed; showing the last count');
        return last;
      })
      .finally(() => (pending = undefined)));

  new Gauge({
    name: 'fulfillment_sagas',
    help: 'Fulfillment sagas by state (from the fulfillment read model)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const now = await counts();
      if (!now) return;
      for (const state of sagaStates) this.set({ state }, now.byState[state] ?? 0);
    },
  });
  new Gauge({
    name: 'fulfillment_sagas_past_deadline',
    help: 'Sagas still waiting on stock or payment after their deadline (should stay near 0)',
    registers: [registry],
    async collect() {
      const now = await counts();
      if (now) this.set(now.pastDeadline);
    },
  });
  new Gauge({
    name: 'fulfillment_sagas_stalled',
    help: 'Sagas not completed that took no step for longer than the stall threshold',
    registers: [registry],
    async collect() {
      const now = await counts();
      if (now) this.set(now.stalled);
    },
  });
}
