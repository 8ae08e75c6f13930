import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../support/test-app.ts';

const channel = 'projection_checkpoints';

/**
 * Anyone with a connection to the database can NOTIFY on the checkpoint channel: what the watcher
 * cannot read is logged and ignored, and read-your-writes goes on working.
 */
describe('the checkpoint watcher hearing a malformed announcement', () => {
  let reader: TestApp;
  const lines: Array<{ level: number; msg: string; payload?: string }> = [];
  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
        done();
      },
    });
    reader = await startTestApp({ services: ['catalog', 'query'], readYourWritesTimeoutMs: 20_000, logStream, logLevel: 'warn' });
  });
  afterAll(() => reader?.close());

  it('logs it at warn, ignores it, and still wakes a reader on the next good one', async () => {
    const sku = uniqueSku();
    const added = await postJson(reader.app, '/products', { sku, name: 'Heard', price: 100, currency: 'EUR' });
    const position = (added.json() as { position: string }).position;
    // No projection runs here: the reader waits until the checkpoint is announced by hand below.
    const waiting = reader.app.inject({ url: '/orders?limit=1', headers: { 'es-min-position': position } });

    const garbage = ['garbage', '{"projection":"orders"}', '{"projection":"orders","position":"abc"}', '[]', 'null', '{"projection":7,"position":"1"}'];
    for (const payload of garbage) await reader.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    await reader.pool.query(`INSERT INTO checkpoints (name, position) VALUES ('orders', $1) ON CONFLICT (name) DO UPDATE SET position = $1`, [position]);
    await reader.pool.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify({ projection: 'orders', position })]);

    const answer = await waiting;
    expect(answer.statusCode).toBe(200);
    const warned = lines.filter((line) => line.level === 40 && line.msg.includes('malformed checkpoint announcement'));
    expect(warned.map((line) => line.payload)).toEqual(garbage);
  });
});
