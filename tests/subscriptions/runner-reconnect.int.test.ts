import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { startProjectionRunner } from '../../infra/subscriptions/index.ts';
import { testEnvironment } from '../support/environment.ts';
import { hostAndPort, startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import {
  countOf,
  eventually,
  freshProjection,
  logger,
  newProduct,
  pool,
  start,
  useRunnerTestbed,
} from './counter-projection.ts';

useRunnerTestbed('runner_reconnect');

let proxy: TcpProxy;
let proxiedStore: EventStore;
beforeAll(async () => {
  proxy = await startTcpProxy(hostAndPort(testEnvironment().esdbUrl));
  proxiedStore = createEventStore({ url: `esdb://127.0.0.1:${proxy.port}?tls=false`, logger });
});
afterAll(async () => {
  await proxiedStore?.close();
  await proxy?.close();
});

describe('a lost event store connection', () => {
  it('is retried, resuming from the checkpoint without losing or doubling an event', async () => {
    const projection = await freshProjection();
    const eventStore = proxiedStore;
    const runner = startProjectionRunner({ projection, eventStore, pool, logger, batchDelayMs: 20, maxBackoffMs: 500 });
    try {
      const a = await newProduct();
      await eventually(async () => (await countOf(projection.name, a.stream)) === 1);
      const states = new Set<string>();
      const watch = setInterval(() => states.add(runner.status().state), 2);
      proxy.cut();
      const b = await newProduct(1);
      await eventually(async () => (await countOf(projection.name, b.stream)) === 2, 20_000);
      clearInterval(watch);
      expect(await countOf(projection.name, a.stream)).toBe(1);
      expect(states).toContain('disconnected');
    } finally {
      await runner.stop();
    }
  });
});

describe('a lost PostgreSQL connection', () => {
  it('is retried, resuming from the checkpoint without losing or doubling an event', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    const a = await newProduct();
    await eventually(async () => (await countOf(projection.name, a.stream)) === 1);
    await pool.query(`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    const b = await newProduct(1);
    await eventually(async () => (await countOf(projection.name, b.stream)) === 2, 20_000);
    expect(await countOf(projection.name, a.stream)).toBe(1);
    expect(runner.status().disconnectedSince).toBeUndefined();
    await runner.stop();
  });
});
