import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../../support/environment.ts';
import { postJson, startTestApp, stockedProduct, type TestApp } from '../../support/test-app.ts';

/**
 * The event store answers the command's reads, then stops answering when the append arrives (a
 * frozen node, a half-open connection). The adapter promises `timeoutMs` as the bound on every read
 * and append, so the command must answer 503 within about that time, not whenever gRPC keepalive
 * notices the dead connection.
 */

const timeoutMs = 500;
const boundMs = 4 * timeoutMs + 1_000;

/**
 * A TCP proxy to the event store that reads the client's HTTP/2 frames. Once armed, the first DATA
 * frame the client sends on a call opened before arming (the client's one long-lived BatchAppend call;
 * reads are calls of their own) freezes it: nothing more is forwarded either way, connections stay open.
 */
function freezingProxy(target: URL) {
  const state = { armed: false, frozen: false, openedBeforeArming: new Set<number>() };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.on('data', (chunk: Buffer) => {
      if (!state.frozen) client.write(chunk);
    });

    const preface = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    let pending = Buffer.alloc(0);
    let prefaceForwarded = false;
    client.on('data', (chunk: Buffer) => {
      if (state.frozen) return;
      pending = Buffer.concat([pending, chunk]);
      if (!prefaceForwarded) {
        if (pending.length < preface) return;
        upstream.write(pending.subarray(0, preface));
        pending = pending.subarray(preface);
        prefaceForwarded = true;
      }
      while (pending.length >= 9) {
        const frameLength = 9 + pending.readUIntBE(0, 3);
        if (pending.length < frameLength) return;
        const type = pending[3];
        const streamId = pending.readUInt32BE(5) & 0x7fffffff;
        if (!state.armed && type === 0x1) state.openedBeforeArming.add(streamId);
        if (state.armed && type === 0x0 && state.openedBeforeArming.has(streamId)) {
          state.frozen = true;
          return;
        }
        upstream.write(pending.subarray(0, frameLength));
        pending = pending.subarray(frameLength);
      }
    });
  });
  return { server, sockets, state };
}

let proxy: ReturnType<typeof freezingProxy>;
let proxyServer: Server;
let testApp: TestApp;
beforeAll(async () => {
  proxy = freezingProxy(new URL(testEnvironment().esdbUrl.replace(/^esdb:/, 'http:')));
  proxyServer = proxy.server;
  await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve));
  const { port } = proxyServer.address() as { port: number };
  testApp = await startTestApp({ esdbUrl: `esdb://127.0.0.1:${port}?tls=false`, eventStoreTimeoutMs: timeoutMs });
});
afterAll(async () => {
  // Dropping the connections fails whatever still waits on them; then nothing is left to close the app on.
  const closed = new Promise((resolve) => proxyServer?.close(resolve));
  for (const socket of proxy?.sockets ?? []) socket.destroy();
  await testApp?.close();
  await closed;
});

describe('an event store that stops answering when the append arrives', () => {
  it('makes the command answer 503 event_store_unavailable within the adapter timeout', async () => {
    const sku = await stockedProduct(testApp.app, { quantity: 1 }); // the channel and its BatchAppend call are open
    proxy.state.armed = true;

    const started = performance.now();
    const response = await Promise.race([
      postJson(testApp.app, `/inventory/${sku}/receipts`, { quantity: 2 }),
      sleep(boundMs).then(() => undefined),
    ]);
    const elapsedMs = Math.round(performance.now() - started);

    expect(proxy.state.frozen, 'the proxy froze at the append').toBe(true);
    expect(response?.statusCode, `answered ${response?.statusCode ?? 'nothing'} after ${elapsedMs} ms`).toBe(503);
    expect(response?.json()).toEqual({ error: 'event_store_unavailable', message: expect.any(String) });
  });
});
