import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { connectLive } from '../support/live-client.ts';
import { metricValue, useLiveSystem } from './support/live-system.ts';

const system = useLiveSystem();

/** The gauges at the next scrape that shows `expected` (a closed socket leaves the server a moment later). */
async function gaugesOnceEqual(expected: { clients: number; subscriptions: number }, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await system().metrics();
    const gauges = { clients: metricValue(metrics, 'live_clients'), subscriptions: metricValue(metrics, 'live_subscriptions') };
    if ((gauges.clients === expected.clients && gauges.subscriptions === expected.subscriptions) || Date.now() > until) return gauges;
    await sleep(20);
  }
}

describe('/metrics of /live', () => {
  it('shows as many clients and subscriptions as are connected and subscribed', async () => {
    const { baseUrl, addProduct } = system();
    const sku = await addProduct();
    const [first, second] = await Promise.all([connectLive(baseUrl), connectLive(baseUrl)]);
    await first?.subscribe('inventory');
    await first?.subscribe(`inventory:${sku}`);
    await second?.subscribe(`inventory:${sku}`);
    await second?.subscribe(`inventory:${sku}`); // again: still one subscription
    expect(await gaugesOnceEqual({ clients: 2, subscriptions: 3 })).toEqual({ clients: 2, subscriptions: 3 });

    first?.send({ op: 'unsubscribe', topic: 'inventory' });
    await first?.next((frame) => frame.op === 'unsubscribed');
    expect(await gaugesOnceEqual({ clients: 2, subscriptions: 2 })).toEqual({ clients: 2, subscriptions: 2 });
    await second?.close();
    expect(await gaugesOnceEqual({ clients: 1, subscriptions: 1 })).toEqual({ clients: 1, subscriptions: 1 });
    await first?.close();
    expect(await gaugesOnceEqual({ clients: 0, subscriptions: 0 })).toEqual({ clients: 0, subscriptions: 0 });
  });

  it('counts every update frame sent, and observes each delivered change once in the three delay histograms', async () => {
    const { baseUrl, addProduct, receive, metrics } = system();
    const sku = await addProduct();
    const [first, second] = await Promise.all([connectLive(baseUrl), connectLive(baseUrl)]);
    await first?.subscribe('inventory');
    await first?.subscribe(`inventory:${sku}`);
    await second?.subscribe(`inventory:${sku}`);
    const series = [
      'live_updates_sent_total{topic="inventory"}',
      'live_commit_delay_seconds_count{topic="inventory"}',
      'live_send_delay_seconds_count{topic="inventory"}',
      'live_update_delay_seconds_count{topic="inventory"}',
    ];
    const before = await metrics();

    const position = await receive(sku);
    // One change, three frames: `inventory` and `inventory:<sku>` to the first client, one to the second.
    await first?.next((frame) => frame.topic === 'inventory' && frame.position === position);
    await first?.next((frame) => frame.topic === `inventory:${sku}` && frame.position === position, { after: 0 });
    await second?.next((frame) => frame.topic === `inventory:${sku}` && frame.position === position);
    const after = await metrics();
    const growth = Object.fromEntries(series.map((name) => [name, metricValue(after, name) - metricValue(before, name)]));
    expect(growth).toEqual(Object.fromEntries(series.map((name) => [name, name.startsWith('live_updates_sent') ? 3 : 1])));
    await Promise.all([first?.close(), second?.close()]);
  });
});
