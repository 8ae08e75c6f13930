import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEventStore } from '../../infra/event-store/index.ts';
import { allProjections } from '../../projections/index.ts';
import { commerceWorkload } from './support/commerce-workload.ts';
import { hostAndPort, startTcpProxy } from '../support/tcp-proxy.ts';
import { slowestCheckpoint, startAllRunners, waitForCheckpoints } from './support/read-model-database.ts';
import { expectIntactReadModels, useTestbed, waitFor } from './support/testbed.ts';
import { lastPosition, pacer, writeWorkload } from './support/workload-writer.ts';

/**
 * Every read model follows a steady stream of appends through a proxy; the proxy then drops every
 * connection and refuses new ones for 5 s while the appends go on against the store itself. Once the
 * store is back the runners resume on their own, and the read models end as a clean replay of the same
 * log and as the events say. RELIABILITY_SEED=<seed printed below> replays the same workload.
 */

const { random, seed, logger, store, defer, databases, esdbUrl } = useTestbed();
const outageMs = 5_000;

describe('the event store unreachable for 5 s while events keep coming', () => {
  it('is noticed (disconnected), retried, and resumed with no event lost or applied twice', { timeout: 120_000 }, async () => {
    const workload = commerceWorkload(random, { runId: randomBytes(4).toString('hex'), events: 3_000, skus: 40 });
    const proxy = await startTcpProxy(hostAndPort(esdbUrl()));
    defer(() => proxy.close());
    const proxiedStore = createEventStore({ url: `esdb://127.0.0.1:${proxy.port}?tls=false`, logger });
    defer(() => proxiedStore.close());
    const { from, tested: followed, replay } = await databases('outage');
    const followers = startAllRunners(followed.pool, proxiedStore, logger);
    defer(() => Promise.all(followers.map((runner) => runner.stop())));

    // About 9 s of appends at an even pace, straight to the store: the outage falls in the middle.
    const writer = writeWorkload(store(), workload, { concurrency: 4, pause: pacer(250) });
    defer(() => writer.written.catch(() => undefined));
    const followedPool = followed.pool;
    const outageAfter = workload.eventCount * (0.15 + random.next() * 0.15);
    await waitFor(async () => writer.progress.events >= outageAfter, 60_000);
    expect(await waitFor(async () => (await slowestCheckpoint(followedPool)) > from, 30_000), 'following before the outage').toBe(true);

    const seenDisconnected = new Map<string, Date>();
    const watch = setInterval(() => {
      followers.forEach((runner, index) => {
        const status = runner.status();
        const name = allProjections[index]?.name ?? String(index);
        if (status.state === 'disconnected' && status.disconnectedSince) seenDisconnected.set(name, status.disconnectedSince);
      });
    }, 5);
    const outageStart = Date.now();
    const writtenBefore = writer.progress.events;
    try {
      await proxy.outage(outageMs);
    } finally {
      clearInterval(watch);
    }
    const writtenDuring = writer.progress.events - writtenBefore;
    await waitFor(async () => followers.every((runner) => runner.status().disconnectedSince === undefined), 60_000);
    const resumedMs = Date.now() - outageStart - outageMs;

    const written = await writer.written;
    const head = lastPosition(written);
    await waitForCheckpoints(followedPool, head, 60_000);
    const recoveredMs = Date.now() - outageStart - outageMs;
    await waitForCheckpoints(replay.pool, head, 60_000);
    const recovered = await waitFor(
      async () => followers.every((runner) => runner.status().state === 'live' && runner.status().disconnectedSince === undefined),
      10_000,
    );
    console.log(
      `event-store-outage ${seed}: ${workload.eventCount} events, ${writtenDuring} written during the outage; ` +
        `every runner resumed ${resumedMs} ms and the read models reached the head ${recoveredMs} ms after the store came back`,
    );

    expect(writtenDuring, 'appends went on during the outage').toBeGreaterThan(0);
    expect([...seenDisconnected.keys()].sort(), 'runners that showed disconnected').toEqual(allProjections.map((p) => p.name).sort());
    for (const since of seenDisconnected.values()) {
      expect(since.getTime()).toBeGreaterThanOrEqual(outageStart - 50);
      expect(since.getTime()).toBeLessThanOrEqual(outageStart + outageMs);
    }
    expect(recovered, `every runner live again: ${JSON.stringify(followers.map((r) => r.status().state))}`).toBe(true);

    await expectIntactReadModels({ db: followedPool, replay: replay.pool, workload, written, seed });
  });
});
