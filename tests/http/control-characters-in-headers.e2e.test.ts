import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestApp, stockedProduct, type TestApp } from '../support/test-app.ts';

/**
 * The headers the app reads are validated where they are read: a control character in one is a 400
 * naming the header (or, for the correlation id, which is optional, the header is ignored), never a
 * 5xx and never a value reaching PostgreSQL, the event store or the logs.
 */
describe('headers carrying control characters', () => {
  let system: TestApp;
  let sku: string;
  beforeAll(async () => {
    system = await startTestApp({ services: ['catalog', 'inventory', 'query'] });
    sku = await stockedProduct(system.app, { quantity: 0 });
  });
  afterAll(() => system?.close());

  it.each([
    ['NUL', 'key\u00001'],
    ['ESC', 'key\u001b1'],
  ])('answers 400 invalid_idempotency_key for an Idempotency-Key with %s', async (_, key) => {
    const answer = await postJson(system.app, `/inventory/${sku}/receipts`, { quantity: 1 }, { 'idempotency-key': key });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ error: 'invalid_idempotency_key', details: [{ path: 'headers.idempotency-key' }] });
  });

  it('answers 400 naming ES-Min-Position when it carries an ESC', async () => {
    const answer = await system.app.inject({ url: `/products/${sku}`, headers: { 'es-min-position': '1\u001b' } });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ error: 'validation_failed', details: [{ path: 'headers.es-min-position' }] });
  });

  it('ignores a correlation id with a NUL: the command runs under a correlation id of its own', async () => {
    const answer = await postJson(system.app, `/inventory/${sku}/receipts`, { quantity: 1 }, { 'x-correlation-id': 'flow\u00001' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-correlation-id']).toMatch(/^[\x21-\x7e]+$/);
  });
});
