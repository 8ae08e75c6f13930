import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectLive, type LiveFrame } from '../support/live-client.ts';
import { metricValue, useLiveSystem } from './support/live-system.ts';

// The smallest bound allowed: a client that stops reading is dropped after little traffic.
const system = useLiveSystem({ maxBufferedBytes: 16_384 });

// Each resume of `inventory` from 0 sends every row at once, up to half the bound (~8 KB): about fifty rows.
const skuCount = 48;
// Loopback kernel buffers absorb about 4 MB of what a non-reading peer is sent before the server's own
// buffer grows at all: enough rounds for several times that, a hang guard should the drop never come.
const maxRounds = 4_000;

const droppedSlowConsumers = async () => metricValue(await system().metrics(), 'live_clients_dropped_total{reason="slow_consumer"}');

describe('/live with a client that stops reading (LIVE_MAX_BUFFERED_BYTES)', () => {
  it('drops that client once its send buffer passes the bound, while a reading client gets every change through to the last', async () => {
    const { baseUrl, addProduct, receive, stock, metrics } = system();
    const skus = await Promise.all(Array.from({ length: skuCount }, () => addProduct('SLOW')));
    await Promise.all(skus.map((sku) => receive(sku)));

    const reading = await connectLive(baseUrl);
    await reading.subscribe('inventory');
    const slow = await connectLive(baseUrl);
    await slow.subscribe('inventory');
    // It still writes, and the server still reads it: only what the server sends piles up.
    (slow.socket as unknown as { _socket: Socket })._socket.pause();

    const latest = new Map<string, string>();
    const changeStock = async (rounds: number) => {
      for (let round = 0; round < rounds; round++) {
        for (const sku of skus.slice(0, 8)) latest.set(sku, await receive(sku));
      }
    };
    const changing = changeStock(5);
    // Each resubscription of `inventory` from 0 resends every row. The reading client's resume of one
    // row is answered after the slow client's resume (the fan-out runs resumes in turn), which paces the
    // rounds: a resubscription sent before the previous one ran would replace it unsent.
    const probe = `inventory:${skus[skuCount - 1]}`;
    let rounds = 0;
    for (; rounds < maxRounds; rounds++) {
      slow.send({ op: 'subscribe', topic: 'inventory', fromPosition: '0' });
      await reading.subscribe(probe, '0');
      if (rounds % 50 === 49 && (await droppedSlowConsumers()) > 0) break;
    }
    expect(rounds).toBeLessThan(maxRounds);
    await changing;
    await changeStock(2); // after the drop too

    for (const [sku, position] of latest) {
      const update = await reading.next((frame) => frame.topic === 'inventory' && frame.position === position, { after: 0 });
      expect(update.data).toEqual(await stock(sku, position));
    }
    expect(inOrderPerSku(reading.frames.filter((frame) => frame.topic === 'inventory'))).toBe(true);
    expect(reading.socket.readyState).toBe(WebSocket.OPEN);

    // Nothing of the dropped client stays behind; once it reads again, it finds its connection closed.
    const after = await metrics();
    expect(metricValue(after, 'live_clients_dropped_total{reason="slow_consumer"}')).toBe(1);
    expect(metricValue(after, 'live_clients')).toBe(1);
    expect(metricValue(after, 'live_subscriptions')).toBe(2);
    (slow.socket as unknown as { _socket: Socket })._socket.resume();
    expect(await Promise.race([slow.closed, sleep(10_000, 'still open')])).toBe(1006);
    await reading.close();
  });
});

/** Whether each sku's updates come with rising positions: a reader never steps back to an older state. */
function inOrderPerSku(frames: LiveFrame[]): boolean {
  const last = new Map<string, bigint>();
  for (const frame of frames.filter((each) => each.op === 'update')) {
    const sku = (frame.data as { sku: string }).sku;
    const position = BigInt(frame.position as string);
    if ((last.get(sku) ?? -1n) >= position) return false;
    last.set(sku, position);
  }
  return true;
}
