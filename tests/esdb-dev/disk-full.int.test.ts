import type { FileHandle } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEsdbDev, type EsdbDevServer } from '../../infra/esdb-dev/index.ts';
import { testEnvironment } from '../support/environment.ts';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../support/test-app.ts';
import { userEventTypes } from './user-event-types.ts';

interface Disk {
  full: boolean;
}

/**
 * The event file as a full disk leaves it: while `disk.full`, a write puts half its bytes on disk
 * and then fails with ENOSPC, as a write that runs out of room part-way does.
 */
function onDisk(disk: Disk) {
  return (handle: FileHandle): FileHandle =>
    new Proxy(handle, {
      get(target, property, receiver) {
        if (property !== 'write') {
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (buffer: Buffer, offset = 0, length = buffer.length - offset) => {
          if (!disk.full) return target.write(buffer, offset, length);
          await target.write(buffer, offset, Math.floor(length / 2));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
        };
      },
    });
}


/** Retries `attempt` until it succeeds; the bound is a hang guard, not a speed requirement. */
async function eventually<T>(attempt: () => Promise<T>, boundMs = 20_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await delay(100);
    }
  }
}

describe.skipIf(!testEnvironment().esdbIsDev)('esdb-dev when its disk is full', () => {
  let dataDir: string;
  let disk: Disk;
  let server: EsdbDevServer | undefined;
  let client: EventStoreDBClient | undefined;
  let testApp: TestApp | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'esdb-dev-full-'));
    disk = { full: false };
    server = await startEsdbDev({ port: 0, dataDir, wrapEventFile: onDisk(disk) });
    client = EventStoreDBClient.connectionString(server.url);
  });

  afterEach(async () => {
    await testApp?.close();
    testApp = undefined;
    await client?.dispose();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fails the append, and takes appends again once there is room, without a restart; only acknowledged events are kept', async () => {
    await client!.appendToStream('order-1', [jsonEvent({ type: 'Before', data: {} })]);

    disk.full = true;
    await expect(client!.appendToStream('order-1', [jsonEvent({ type: 'Refused', data: { padding: 'x'.repeat(500) } })])).rejects.toThrow();

    disk.full = false;
    const after = await eventually(() => client!.appendToStream('order-1', [jsonEvent({ type: 'After', data: {} })]));
    expect(after.nextExpectedRevision).toBe(1n);

    // The half-written frame of the refused append was cut back, so the file reopens whole.
    await client!.dispose();
    client = undefined;
    await server!.stop();
    server = await startEsdbDev({ port: 0, dataDir });
    expect(await userEventTypes(server.url)).toEqual(['Before', 'After']);
  });

  it('answers a command whose append fails 503 event_store_unavailable, not 500', async () => {
    testApp = await startTestApp({ esdbUrl: server!.url });

    disk.full = true;
    const answer = await postJson(testApp.app, '/products', { sku: uniqueSku(), name: 'Mug', price: 100, currency: 'EUR' });

    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ error: 'event_store_unavailable' });
  });

  it('shows in /health/ready: 503 while writes fail, 200 again once there is room', async () => {
    testApp = await startTestApp({ esdbUrl: server!.url });
    const ready = () => testApp!.app.inject({ method: 'GET', url: '/health/ready' });
    expect((await ready()).statusCode).toBe(200);

    disk.full = true;
    await expect(client!.appendToStream('order-2', [jsonEvent({ type: 'Refused', data: {} })])).rejects.toThrow();
    const unready = await ready();
    expect(unready.statusCode).toBe(503);
    expect(unready.json()).toMatchObject({ status: 'unavailable', checks: { eventStore: 'unavailable' } });

    disk.full = false;
    await eventually(async () => {
      const answer = await ready();
      if (answer.statusCode !== 200) throw new Error(`still ${answer.statusCode}`);
    });
  });
});
