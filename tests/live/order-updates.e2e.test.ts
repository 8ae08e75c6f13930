import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useSagaSystem } from '../fulfillment/support/saga-system.ts';
import { connectLive, type LiveFrame } from '../support/live-client.ts';
import { postJson } from '../support/test-app.ts';

const system = useSagaSystem();

async function listening() {
  const { app } = system();
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

describe('/live order topics', () => {
  it('sends each state change of a subscribed order, equal to what GET answers at that position', async () => {
    const { app, placeOrder, terminalOrder } = system();
    const baseUrl = await listening();
    expect((await postJson(app, '/products', { sku: 'live-1', name: 'Live', price: 500, currency: 'EUR' })).statusCode).toBe(201);
    expect((await postJson(app, '/inventory/live-1/receipts', { quantity: 10 })).statusCode).toBe(200);
    const everyOrder = await connectLive(baseUrl);
    await everyOrder.subscribe('orders');
    const orderId = await placeOrder([{ sku: 'live-1', quantity: 2 }]);
    const placed = await everyOrder.next((frame) => (frame.data as { orderId?: string })?.orderId === orderId);
    expect(placed).toMatchObject({ op: 'update', topic: 'orders' });

    const oneOrder = await connectLive(baseUrl);
    await oneOrder.subscribe(`order:${orderId}`, '0');
    const terminal = await terminalOrder(orderId);
    const updates: LiveFrame[] = [];
    const isUpdate = (frame: LiveFrame) => frame.op === 'update';
    for (let frame = await oneOrder.next(isUpdate); ; frame = await oneOrder.next(isUpdate)) {
      updates.push(frame);
      if (frame.position === terminal.position) break;
    }
    expect(updates.every((frame) => frame.topic === `order:${orderId}`)).toBe(true);
    expect(updates.length).toBeGreaterThan(1);
    const positions = updates.map((frame) => BigInt(frame.position as string));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(positions).size).toBe(positions.length);
    for (const frame of updates) expect((frame.data as { position: string }).position).toBe(frame.position);
    expect(updates.at(-1)?.data).toEqual(terminal);
    await everyOrder.close();
    await oneOrder.close();
  });
});
