import { Registry } from 'prom-client';
import { v4 as uuid } from 'uuid';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../infra/event-store/index.ts';
import { createProjectionMetrics, startProjectionRunner, type TrackedStatus } from '../../infra/subscriptions/index.ts';
import type { Projection } from '../../projections/projection.ts';
import { checkpointOf, eventually, freshProjection, logger, newProduct, pool, store, useRunnerTestbed } from './counter-projection.ts';

useRunnerTestbed('projection_metrics');

/** The value of one series in Prometheus text, found by its exact label set. */
function sample(text: string, series: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([name, value]) => `${name}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (match?.[1] !== series) continue;
    const labelled = match[2]!.split(',');
    if (labelled.length === wanted.length && wanted.every((pair) => labelled.includes(pair))) return Number(match[3]);
  }
  return undefined;
}

/** A runner of `projection` reporting to a registry of its own, as composeApp would wire it. */
function startMeasured(projection: Projection) {
  const registry = new Registry();
  const metrics = createProjectionMetrics(registry, { headPosition: () => store.headPosition() });
  const runner = startProjectionRunner({ projection, eventStore: store, pool, logger, batchDelayMs: 20, idleProbeMs: 200, metrics });
  const of = (text: string, series: string, labels: Record<string, string> = {}) =>
    sample(text, series, { projection: projection.name, ...labels });
  return { registry, runner, of };
}

/** Events the projection committed, from its own tables (other test files append to the same `$all`). */
async function committedEvents(name: string): Promise<number> {
  const { rows } = await pool.query<{ events: number }>(
    `SELECT (SELECT coalesce(sum(count), 0) FROM counters WHERE name = $1)
          + (SELECT count(*) FROM dead_letters WHERE name = $1) AS events`,
    [name],
  );
  return Number(rows[0]!.events);
}

describe('a projection runner reporting metrics', () => {
  it('counts handled events and batches, exports the committed checkpoint, and shows no lag once caught up', async () => {
    const projection = await freshProjection();
    const { registry, runner, of } = startMeasured(projection);
    try {
      const { position } = await newProduct(2);
      await eventually(async () => (await checkpointOf(projection.name)) >= position);

      // Counters and the checkpoint agree with what the transaction committed (read until no batch is in between).
      await eventually(async () => {
        const text = await registry.metrics();
        const handled = of(text, 'projection_events_handled_total');
        return handled === (await committedEvents(projection.name))
          && of(text, 'projection_checkpoint_position') === Number(await checkpointOf(projection.name));
      });
      const text = await registry.metrics();
      const handled = of(text, 'projection_events_handled_total')!;
      expect(handled).toBeGreaterThanOrEqual(3);
      expect(of(text, 'projection_batch_size_sum')).toBe(handled);
      expect(of(text, 'projection_batch_size_count')).toBeGreaterThanOrEqual(1);
      expect(of(text, 'projection_batch_duration_seconds_count')).toBe(of(text, 'projection_batch_size_count'));
      expect(of(text, 'projection_checkpoint_position')).toBeGreaterThanOrEqual(Number(position));

      // Caught up on a quiet log: neither lag grows, however old the last event gets.
      await eventually(async () => {
        const now = await registry.metrics();
        return of(now, 'projection_lag_position') === 0 && of(now, 'projection_lag_seconds') === 0;
      }, 20_000);
      const live = await registry.metrics();
      expect(of(live, 'projection_state', { state: 'live' })).toBe(1);
      expect(of(live, 'projection_state', { state: 'catching-up' })).toBe(0);
    } finally {
      await runner.stop();
    }
    expect(of(await registry.metrics(), 'projection_state', { state: 'stopped' })).toBe(1);
  });

  it('shows the keys a poisoned event parked', async () => {
    const projection = await freshProjection();
    const { registry, runner, of } = startMeasured(projection);
    try {
      const poison = `product-${uuid()}`;
      await store.append(poison, [{ id: uuid(), type: 'ProductAdded', data: { sku: '', price: -1 } }], 'no_stream');
      await eventually(() => runner.status().parkedKeys.includes(poison));
      const parked = of(await registry.metrics(), 'projection_parked_keys');
      expect(parked).toBe(runner.status().parkedKeys.length);
      expect(parked).toBeGreaterThanOrEqual(1);
    } finally {
      await runner.stop();
    }
  });

  it('counts a reconnect when the database drops its connections, and goes live again', async () => {
    const projection = await freshProjection();
    const { registry, runner, of } = startMeasured(projection);
    try {
      await eventually(() => runner.status().state === 'live');
      await pool.query(`
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()`);
      await eventually(async () => (of(await registry.metrics(), 'projection_reconnects_total') ?? 0) >= 1, 20_000);
      await eventually(async () => of(await registry.metrics(), 'projection_state', { state: 'live' }) === 1, 20_000);
      expect(of(await registry.metrics(), 'projection_state', { state: 'disconnected' })).toBe(0);
    } finally {
      await runner.stop();
    }
  });
});

describe('projection metrics at scrape', () => {
  const eventCreated = (secondsAgo: number) => ({ createdAt: new Date(Date.now() - secondsAgo * 1000) }) as RecordedEvent;

  it('reports the lag of the last batch while behind, and none once live at the head', async () => {
    const registry = new Registry();
    let head = 1_000n;
    const metrics = createProjectionMetrics(registry, { headPosition: async () => head });
    let status: TrackedStatus = { state: 'catching-up', position: 400n, parkedKeys: [] };
    metrics.track('orders', () => status);
    metrics.batchCommitted('orders', [eventCreated(90), eventCreated(60)], 0.02);
    const behind = await registry.metrics();
    expect(sample(behind, 'projection_lag_position', { projection: 'orders' })).toBe(600);
    expect(sample(behind, 'projection_lag_seconds', { projection: 'orders' })).toBeCloseTo(60, 0);

    status = { state: 'live', position: 1_000n, parkedKeys: [] };
    const caughtUp = await registry.metrics();
    expect(sample(caughtUp, 'projection_lag_position', { projection: 'orders' })).toBe(0);
    expect(sample(caughtUp, 'projection_lag_seconds', { projection: 'orders' })).toBe(0);

    head = 1_200n; // live but behind the head: the lag measured at the last commit stands
    expect(sample(await registry.metrics(), 'projection_lag_seconds', { projection: 'orders' })).toBeCloseTo(60, 0);
  });

  it('answers without hanging or throwing when the event store does not, keeping the last head read', async () => {
    const registry = new Registry();
    let read: () => Promise<bigint> = async () => 500n;
    const metrics = createProjectionMetrics(registry, { headPosition: () => read(), headTimeoutMs: 100 });
    metrics.track('orders', () => ({ state: 'disconnected', position: 200n, parkedKeys: [] }));
    expect(sample(await registry.metrics(), 'projection_lag_position', { projection: 'orders' })).toBe(300);

    read = async () => {
      throw new Error('unreachable');
    };
    expect(sample(await registry.metrics(), 'projection_lag_position', { projection: 'orders' })).toBe(300);

    read = () => new Promise<bigint>(() => undefined); // a stalled store
    const started = Date.now();
    expect(sample(await registry.metrics(), 'projection_lag_position', { projection: 'orders' })).toBe(300);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('omits the lags of a runner that has no checkpoint yet (standby) but shows its state', async () => {
    const registry = new Registry();
    const metrics = createProjectionMetrics(registry, { headPosition: async () => 500n });
    metrics.track('orders', () => ({ state: 'standby', position: undefined, parkedKeys: [] }));
    const text = await registry.metrics();
    expect(sample(text, 'projection_lag_position', { projection: 'orders' })).toBeUndefined();
    expect(sample(text, 'projection_checkpoint_position', { projection: 'orders' })).toBeUndefined();
    expect(sample(text, 'projection_state', { projection: 'orders', state: 'standby' })).toBe(1);
  });
});
