import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { v4 as uuid } from 'uuid';
import { describe, expect, it } from 'vitest';
import {
  checkpointOf,
  countOf,
  database,
  eventually,
  freshProjection,
  newProduct,
  pool,
  start,
  store,
  useRunnerTestbed,
} from './counter-projection.ts';

useRunnerTestbed('runner_delivery');

describe('a projection runner', () => {
  it('applies each appended event exactly once, commits the checkpoint and announces the change after commit', async () => {
    const projection = await freshProjection();
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    const heard: unknown[] = [];
    listener.on('notification', (message) => heard.push(JSON.parse(message.payload ?? 'null')));
    await listener.query('LISTEN projection_changes');
    try {
      const runner = start(projection);
      const appendedFrom = Date.now();
      const { stream, position } = await newProduct(2);
      const appendedUntil = Date.now();
      await eventually(async () => (await countOf(projection.name, stream)) === 3);
      await eventually(async () => (await checkpointOf(projection.name)) >= position);
      await eventually(() => heard.length >= 3);
      // appendedAt is the event's time in the store (ms): the live fan-out measures freshness from it.
      const announced = { projection: projection.name, topic: 'counters', key: stream, position: position.toString(10), appendedAt: expect.any(Number) };
      expect(heard).toContainEqual(announced);
      const { appendedAt } = heard.find((payload) => (payload as { position: string }).position === announced.position) as { appendedAt: number };
      expect(appendedAt).toBeGreaterThanOrEqual(appendedFrom - 1);
      expect(appendedAt).toBeLessThanOrEqual(appendedUntil + 1);
      expect(runner.status()).toMatchObject({ state: 'live', parkedKeys: [] });
      await runner.stop();
      expect(runner.status().state).toBe('stopped');
    } finally {
      await listener.end();
    }
  });

  it('resumes from its checkpoint after a restart, doubling nothing', async () => {
    const projection = await freshProjection();
    const first = start(projection);
    const a = await newProduct(1);
    await eventually(async () => (await countOf(projection.name, a.stream)) === 2);
    await first.stop();

    const b = await newProduct(2);
    const second = start(projection);
    await eventually(async () => (await countOf(projection.name, b.stream)) === 3);
    await eventually(async () => (await checkpointOf(projection.name)) >= b.position);
    await sleep(200);
    expect(await countOf(projection.name, a.stream)).toBe(2);
    expect(await countOf(projection.name, b.stream)).toBe(3);
    await second.stop();
  });

  it('moves its checkpoint past events the filter drops, on a quiet system', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    await eventually(() => runner.status().state === 'live');
    const noise = Array.from({ length: 64 }, (_, n) => ({ id: uuid(), type: 'TestNoise', data: { n } }));
    const { position } = await store.append(`noise-${uuid()}`, noise, 'no_stream');
    // The server reports a checkpoint after every 32 events it scanned (checkpointEvery): 64 dropped events
    // move the checkpoint to the last of them although the projection handled none.
    await eventually(async () => (await checkpointOf(projection.name)) >= position);
    expect(runner.status().position).toBe(position);
    await runner.stop();
  });

  it('moves its checkpoint past a few dropped events at the head too, once idle', async () => {
    const projection = await freshProjection();
    const runner = start(projection);
    await eventually(() => runner.status().state === 'live');
    const noise = Array.from({ length: 5 }, (_, n) => ({ id: uuid(), type: 'TestNoise', data: { n } }));
    const { position } = await store.append(`noise-${uuid()}`, noise, 'no_stream');
    await eventually(async () => (await checkpointOf(projection.name)) >= position);
    // A handled event after the probe is still delivered, exactly once.
    const product = await newProduct();
    await eventually(async () => (await countOf(projection.name, product.stream)) === 1);
    await sleep(1_500);
    expect(await countOf(projection.name, product.stream)).toBe(1);
    expect(runner.status().position).toBe(product.position);
    await runner.stop();
  });

  it("writes a projection's rows into the schema it is given (a rebuild's), its bookkeeping into public", async () => {
    const projection = await freshProjection();
    const schema = `rebuild_${projection.name}`;
    await pool.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.counters (LIKE public.counters INCLUDING ALL)`);
    const runner = start(projection, { schema });
    const { stream, position } = await newProduct();
    await eventually(async () => (await checkpointOf(projection.name)) >= position);
    const { rows } = await pool.query<{ count: number }>(`SELECT count FROM ${schema}.counters WHERE stream = $1`, [stream]);
    expect(rows).toEqual([{ count: 1 }]);
    expect(await countOf(projection.name, stream)).toBe(0);
    await runner.stop();
  });
});
