import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../support/test-app.ts';

/** Longer than the test: a reader held this long would time the test out, not answer 504. */
const readYourWritesTimeoutMs = 60_000;

/**
 * A position the event store has not reached yet cannot be a write the client saw: waiting for it
 * would only hold a connection until the bound. It is refused at once, naming where it was sent.
 */
describe('a reader asking for a position beyond the event store head', () => {
  let reader: TestApp;
  beforeAll(async () => {
    reader = await startTestApp({ services: ['catalog', 'query'], readYourWritesTimeoutMs });
  });
  afterAll(() => reader?.close());

  it.each([
    { name: 'ES-Min-Position', path: 'headers.es-min-position', request: (p: string) => ({ url: '/products', headers: { 'es-min-position': p } }) },
    { name: 'minPosition', path: 'querystring.minPosition', request: (p: string) => ({ url: `/orders?minPosition=${p}` }) },
  ])('answers 400 position_ahead_of_store at once for $name', async ({ path, request }) => {
    const head = await reader.eventStore.headPosition();
    const ahead = (head + 1_000_000n).toString();
    const answer = await reader.app.inject(request(ahead));
    expect(answer.statusCode, answer.body).toBe(400);
    expect(answer.json()).toMatchObject({
      error: 'position_ahead_of_store',
      details: [{ path, message: expect.stringContaining(ahead) }],
    });
  }, 30_000);

  it('still waits for a position just written (the checkpoint behind, the head not)', async () => {
    const added = await postJson(reader.app, '/products', { sku: uniqueSku(), name: 'Just written', price: 1, currency: 'EUR' });
    const position = (added.json() as { position: string }).position;
    // No projection runs here: the reader waits until the checkpoint is announced by hand below.
    const waiting = reader.app.inject({ url: '/products?limit=1', headers: { 'es-min-position': position } });
    await reader.pool.query(`INSERT INTO checkpoints (name, position) VALUES ('products', $1) ON CONFLICT (name) DO UPDATE SET position = $1`, [position]);
    await reader.pool.query("SELECT pg_notify('projection_checkpoints', $1)", [JSON.stringify({ projection: 'products', position })]);
    expect((await waiting).statusCode).toBe(200);
  });
});
