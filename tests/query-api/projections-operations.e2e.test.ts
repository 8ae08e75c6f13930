import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../infra/postgres/free-port.ts';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../support/test-app.ts';

/** The runners start at the beginning of the test run's shared log: on a loaded machine catching up takes a while. */
const catchUpBoundMs = 30_000;

const positionOf = (answer: { json(): unknown }) => (answer.json() as { position: string }).position;

interface StatusBody {
  projections: { name: string; state: string; checkpoint: string | null; lag: { events: number } | null; parkedKeyCount: number; parkedKeys: { key: string; events: number; error: string }[] }[];
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let tries = 0; ; tries++) {
    const value = await read();
    if (done(value) || tries >= 200) return value;
    await sleep(100);
  }
}

describe('operating the projections over HTTP', () => {
  let system: TestApp;
  beforeAll(async () => {
    system = await startTestApp({ services: ['catalog', 'projections', 'query'] , readYourWritesTimeoutMs: catchUpBoundMs });
  });
  afterAll(() => system.close());

  const status = async () => (await system.app.inject('/projections')).json() as StatusBody;
  const products = async () => (await status()).projections.find((projection) => projection.name === 'products')!;

  it('shows every projection, its checkpoint and lag, and is ready while they follow $all', async () => {
    const added = await postJson(system.app, '/products', { sku: uniqueSku(), name: 'Seen', price: 1, currency: 'EUR' });
    await system.app.inject({ url: '/products?limit=1', headers: { 'es-min-position': positionOf(added) } });
    const body = await status();
    expect(body.projections.map((projection) => projection.name).sort()).toEqual(['fulfillment', 'inventory', 'orders', 'payments', 'products']);
    const seen = body.projections.find((projection) => projection.name === 'products')!;
    expect(BigInt(seen.checkpoint!)).toBeGreaterThanOrEqual(BigInt(positionOf(added)));
    expect(['live', 'catching-up', 'running']).toContain(seen.state);
    expect(seen.lag).not.toBeNull();

    const metrics = (await system.app.inject('/metrics')).body;
    // Other test files keep appending: the checkpoint may only have moved on since.
    const exported = /projection_checkpoint_position\{projection="products"\} (\d+)/.exec(metrics)?.[1];
    expect(BigInt(exported ?? -1)).toBeGreaterThanOrEqual(BigInt(seen.checkpoint!));
    expect(metrics).toMatch(/projection_events_handled_total\{projection="products"\} [1-9]/);

    const ready = await system.app.inject('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { eventStore: 'ok', database: 'ok', subscriptions: 'ok' } });
  });

  it('parks the key of an event the read model cannot take, lets other keys flow, and replays it on retry once fixed', async () => {
    const sick = uniqueSku('SICK');
    // The database refuses this one product, as a broken migration or constraint would.
    await system.pool.query(`
      CREATE FUNCTION refuse_sick_product() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.sku = '${sick}' THEN RAISE EXCEPTION 'product % refused', NEW.sku; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_sick_product BEFORE INSERT OR UPDATE ON products FOR EACH ROW EXECUTE FUNCTION refuse_sick_product();
    `);
    await postJson(system.app, '/products', { sku: sick, name: 'Sick', price: 100, currency: 'EUR' });
    const repriced = await postJson(system.app, `/products/${sick}/price`, { price: 150 });
    const healthy = uniqueSku('WELL');
    const added = await postJson(system.app, '/products', { sku: healthy, name: 'Well', price: 100, currency: 'EUR' });

    // Other keys flow; the parked one is considered (no reader waits on it) but not applied.
    const wellAnswer = await system.app.inject({ url: `/products/${healthy}`, headers: { 'es-min-position': positionOf(added) } });
    expect(wellAnswer.statusCode).toBe(200);
    const sickAnswer = await system.app.inject({ url: `/products/${sick}`, headers: { 'es-min-position': positionOf(repriced) } });
    expect(sickAnswer.statusCode).toBe(404);

    // (The shared test log holds other tests' poison too: look at this key only.)
    const parked = await products();
    expect(parked.parkedKeys.filter((entry) => entry.key === sick)).toEqual([
      expect.objectContaining({ key: sick, events: 2, error: expect.stringContaining(`product ${sick} refused`) }),
    ]);

    const stillBroken = await postJson(system.app, '/projections/products/retry', { key: sick });
    expect(stillBroken.statusCode).toBe(200);
    expect(stillBroken.json()).toEqual({ projection: 'products', replayed: 0, stillParked: [sick] });

    await system.pool.query('DROP TRIGGER refuse_sick_product ON products; DROP FUNCTION refuse_sick_product();');
    const fixed = await postJson(system.app, '/projections/products/retry', { key: sick });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json()).toEqual({ projection: 'products', replayed: 2, stillParked: [] });

    const product = await system.app.inject(`/products/${sick}`);
    expect(product.json()).toMatchObject({ sku: sick, price: 150, position: positionOf(repriced) });
    expect((await products()).parkedKeys.map((entry) => entry.key)).not.toContain(sick);

    // The key flows again: its next event is applied by the runner.
    const again = await postJson(system.app, `/products/${sick}/price`, { price: 175 });
    const after = await system.app.inject({ url: `/products/${sick}`, headers: { 'es-min-position': positionOf(again) } });
    expect(after.json()).toMatchObject({ price: 175 });
  });

  it('retries every parked key of a projection when no key is named (no body at all)', async () => {
    const answer = await system.app.inject({ method: 'POST', url: '/projections/fulfillment/retry' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ projection: 'fulfillment', replayed: expect.any(Number), stillParked: expect.any(Array) });
  });

  it.each([
    ['/projections/nope/retry', {}, 404, 'projection_not_found'],
    ['/projections/NOPE!/retry', {}, 400, 'validation_failed'],
    ['/projections/products/retry', { key: 1 }, 400, 'validation_failed'],
    ['/projections/products/retry', { key: 'a', extra: true }, 400, 'validation_failed'],
  ])('answers a retry of %s with %j as %i', async (url, body, statusCode, error) => {
    const answer = await postJson(system.app, url, body);
    expect(answer.statusCode).toBe(statusCode);
    expect(answer.json()).toMatchObject({ error });
  });
});

describe('a process whose projection runners cannot reach the event store', () => {
  let system: TestApp;
  beforeAll(async () => {
    const closedPort = await findFreePort();
    system = await startTestApp({
      services: ['projections', 'query'],
      esdbUrl: `esdb://127.0.0.1:${closedPort}?tls=false`,
      eventStoreTimeoutMs: 500,
    });
  });
  afterAll(() => system.close());

  it('is not ready, names the subscriptions, and shows each runner disconnected with an unknown lag', async () => {
    const ready = await eventually(
      () => system.app.inject('/health/ready'),
      (answer) => (answer.json() as { checks: Record<string, string> }).checks.subscriptions === 'unavailable',
    );
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ checks: { eventStore: 'unavailable', database: 'ok', subscriptions: 'unavailable' } });

    const body = (await system.app.inject('/projections')).json() as StatusBody & { projections: { disconnectedSince: string | null }[] };
    for (const projection of body.projections) {
      expect(projection).toMatchObject({ state: 'disconnected', lag: null, disconnectedSince: expect.any(String) });
    }
  });
});
