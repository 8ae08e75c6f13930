import { setTimeout as sleep } from 'node:timers/promises';
import { v4 as uuid } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { createSharedTail, type SharedTail } from '../../infra/subscriptions/index.ts';
import { testEnvironment } from '../support/environment.ts';
import { hostAndPort, startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { countOf, freshProjection, newProduct, start } from './counter-projection.ts';
import {
  appendTo,
  checkpointOf,
  deadLettersOf,
  eventually,
  freshReaction,
  gate,
  logger,
  productStream,
  seenOf,
  startReaction,
  store,
  useReactionTestbed,
} from './recording-reaction.ts';

useReactionTestbed('shared_tail_runners');

let tail: SharedTail;
let proxy: TcpProxy;
let proxied: EventStore;
let proxiedTail: SharedTail;
beforeAll(async () => {
  tail = createSharedTail({ eventStore: store, logger });
  proxy = await startTcpProxy(hostAndPort(testEnvironment().esdbUrl));
  proxied = createEventStore({ url: `esdb://127.0.0.1:${proxy.port}?tls=false`, logger });
  proxiedTail = createSharedTail({ eventStore: proxied, logger });
});
// Each test stops its runners: by now no group reads the tails.
afterAll(async () => {
  await tail.close();
  await proxiedTail.close();
  await proxied.close();
  await proxy.close();
});

describe('a projection and a reaction on one shared tail', () => {
  it('each apply or handle every event of their types exactly once, and their checkpoints reach the last one', async () => {
    const projection = await freshProjection();
    const reaction = await freshReaction();
    const projector = start(projection, { source: tail });
    const reactor = startReaction(reaction, { source: tail });
    const products = await Promise.all([3, 1, 0].map(async (changes) => ({ ...(await newProduct(changes)), events: changes + 1 })));
    const stream = await productStream(4);
    const last = stream.positions.at(-1)!;

    for (const product of products) await eventually(async () => (await countOf(projection.name, product.stream)) === product.events);
    await eventually(async () => (await seenOf(reaction.name, stream.stream)).length === 4);
    await eventually(async () => (await checkpointOf(projection.name)) >= last && (await checkpointOf(reaction.name)) >= last);
    await sleep(300); // a redelivery would show now
    for (const product of products) expect(await countOf(projection.name, product.stream)).toBe(product.events);
    expect(await seenOf(reaction.name, stream.stream)).toEqual(stream.positions);
    expect(reaction.calls.filter((call) => call.key === stream.stream)).toHaveLength(4);
    expect(tail.status()).toMatchObject({ running: true, consumers: 2 });
    expect(tail.status().joined).toBeGreaterThanOrEqual(2);
    await Promise.all([projector.stop(), reactor.stop()]);
    expect(tail.status()).toMatchObject({ running: false, consumers: 0 });
  });

  it('move their checkpoints past events neither handles at the head of a quiet log', async () => {
    const projection = await freshProjection();
    const reaction = await freshReaction();
    const slow = await productStream(1);
    const held = gate();
    reaction.slow.set(slow.stream, { gate: held });
    const projector = start(projection, { source: tail });
    const reactor = startReaction(reaction, { source: tail });
    // The reaction's last handled event is still in flight when the noise arrives.
    await eventually(() => reaction.calls.some((call) => call.key === slow.stream));
    const noise = Array.from({ length: 3 }, (_, n) => ({ id: uuid(), type: 'TestNoise', data: { n } }));
    const { position: quiet } = await store.append(`noise-${uuid()}`, noise, 'no_stream');

    await eventually(async () => (await checkpointOf(projection.name)) >= quiet);
    held.open();
    await eventually(async () => (await checkpointOf(reaction.name)) >= quiet);
    expect(await seenOf(reaction.name, slow.stream)).toEqual(slow.positions);
    await Promise.all([projector.stop(), reactor.stop()]);
  });

  it('both park an event whose data does not parse, under its stream, while later events flow', async () => {
    const projection = await freshProjection();
    const reaction = await freshReaction();
    const projector = start(projection, { source: tail });
    const reactor = startReaction(reaction, { source: tail });
    const poison = `product-${uuid()}`;
    const { position } = await store.append(poison, [{ id: uuid(), type: 'ProductAdded', data: { sku: '', price: -1 } }], 'no_stream');
    const healthy = await productStream(2);

    await eventually(async () => (await seenOf(reaction.name, healthy.stream)).length === 2);
    await eventually(async () => (await countOf(projection.name, healthy.stream)) === 2);
    await eventually(() => projector.status().parkedKeys.includes(poison) && reactor.status().parkedKeys.includes(poison));
    expect(await deadLettersOf(reaction.name, poison)).toEqual([position]);
    expect(await deadLettersOf(projection.name, poison)).toEqual([position]);
    await Promise.all([projector.stop(), reactor.stop()]);
  });

  it('behind the tail, catch up on their own and join it, missing and doubling nothing', async () => {
    const reaction = await freshReaction();
    const early = await productStream(3);
    const reactor = startReaction(reaction, { source: tail, maxBackoffMs: 500 });
    const late = await productStream(3);
    await appendTo(early, 2);
    await eventually(async () => (await seenOf(reaction.name, early.stream)).length === 5 && (await seenOf(reaction.name, late.stream)).length === 3);
    await sleep(300);
    expect(await seenOf(reaction.name, early.stream)).toEqual(early.positions);
    expect(await seenOf(reaction.name, late.stream)).toEqual(late.positions);
    await reactor.stop();
  });
});

describe('a runner on a shared tail whose event store connection is lost', () => {
  it('shows disconnected, reconnects with backoff and resumes from its checkpoint, losing and doubling nothing', async () => {
    const projection = await freshProjection();
    const runner = start(projection, { eventStore: proxied, source: proxiedTail, maxBackoffMs: 500 });
    try {
      const a = await newProduct();
      await eventually(async () => (await countOf(projection.name, a.stream)) === 1);
      const states = new Set<string>();
      const watch = setInterval(() => states.add(runner.status().state), 2);
      proxy.cut();
      const b = await newProduct(1);
      await eventually(async () => (await countOf(projection.name, b.stream)) === 2, 20_000);
      clearInterval(watch);
      expect(await countOf(projection.name, a.stream)).toBe(1);
      expect(states).toContain('disconnected');
      expect(proxiedTail.status().running).toBe(true);
    } finally {
      await runner.stop();
    }
  });
});
