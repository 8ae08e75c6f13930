import { request as httpRequest } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productEvent, productStream } from '../../../domain/product/index.ts';
import { testEnvironment } from '../../support/environment.ts';
import { hostAndPort } from '../../support/tcp-proxy.ts';
import { postJson, startTestApp, uniqueSku, type TestApp } from '../../support/test-app.ts';

/** Bound on every wait for the app to reach a state; reaching it means the test failed, not that it was slow. */
const hangGuardMs = 10_000;

/**
 * A TCP proxy to the event store that, while held, forwards nothing from the app: a command's append
 * stays in flight, so the commands behind it on the same stream wait in line for as long as the test
 * wants. Held bytes go through on release, so nothing is lost.
 */
async function holdingProxy(target: { host: string; port: number }) {
  let held: Array<() => void> | undefined;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => (held ? held.push(() => upstream.write(chunk)) : upstream.write(chunk)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `esdb://127.0.0.1:${(server.address() as AddressInfo).port}?tls=false`,
    hold: () => void (held ??= []),
    release: () => {
      const writes = held ?? [];
      held = undefined;
      for (const write of writes) write();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Waits until `/metrics` says this many commands are in line (bounded). */
async function untilInLine(system: TestApp, count: number): Promise<void> {
  const deadline = Date.now() + hangGuardMs;
  let seen: string | undefined;
  while (Date.now() < deadline) {
    const metrics = (await system.app.inject('/metrics')).body;
    seen = /^command_queue_length (\d+)$/m.exec(metrics)?.[1];
    if (seen === String(count)) return;
    await sleep(20);
  }
  throw new Error(`expected ${count} commands in line, /metrics says ${seen ?? 'nothing'}`);
}

describe('the line of commands on one stream', () => {
  let proxy: Awaited<ReturnType<typeof holdingProxy>>;
  let system: TestApp;
  let sku: string;
  const changePrice = (price: number) => postJson(system.app, `/products/${sku}/price`, { price });

  beforeAll(async () => {
    proxy = await holdingProxy(hostAndPort(testEnvironment().esdbUrl));
    system = await startTestApp({ esdbUrl: proxy.url, services: ['catalog'], commandQueueLimit: 2, eventStoreTimeoutMs: 30_000 });
    sku = uniqueSku();
    const added = await postJson(system.app, '/products', { sku, name: 'Hot', price: 1, currency: 'EUR' });
    expect(added.statusCode).toBe(201);
  });
  afterAll(async () => {
    proxy?.release();
    await system?.close();
    await proxy?.close();
  });

  it('answers 503 command_queue_full with Retry-After when the line is full, and runs those in line', async () => {
    proxy.hold();
    const running = changePrice(2);
    await untilInLine(system, 1);
    const waiting = changePrice(3);
    await untilInLine(system, 2);

    const refused = await changePrice(4);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    expect(refused.json()).toMatchObject({ error: 'command_queue_full' });

    proxy.release();
    expect((await running).statusCode).toBe(200);
    expect((await waiting).statusCode).toBe(200);
    const prices = (await system.eventStore.readStream(productStream(sku), (e) => productEvent.parse(e))).events
      .filter((event) => event.type === 'ProductPriceChanged')
      .map((event) => (event.data as { price: number }).price);
    expect(prices).toEqual([2, 3]);
  });

  it('does not run a command whose client went away before its turn', async () => {
    await system.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = system.app.server.address() as AddressInfo;
    proxy.hold();
    const running = changePrice(5);
    await untilInLine(system, 1);

    const body = JSON.stringify({ price: 6 });
    const gone = httpRequest({
      port,
      method: 'POST',
      path: `/products/${sku}/price`,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    gone.on('error', () => undefined);
    gone.end(body);
    await untilInLine(system, 2);
    gone.destroy();
    // The server has seen the client go once it holds no connection (the other commands come by inject).
    const deadline = Date.now() + hangGuardMs;
    const connections = () => new Promise<number>((resolve) => system.app.server.getConnections((_, count) => resolve(count)));
    while ((await connections()) > 0 && Date.now() < deadline) await sleep(20);

    proxy.release();
    expect((await running).statusCode).toBe(200);
    await untilInLine(system, 0);
    const prices = (await system.eventStore.readStream(productStream(sku), (e) => productEvent.parse(e))).events
      .filter((event) => event.type === 'ProductPriceChanged')
      .map((event) => (event.data as { price: number }).price);
    expect(prices.at(-1)).toBe(5);
    expect(prices).not.toContain(6);
  });
});
