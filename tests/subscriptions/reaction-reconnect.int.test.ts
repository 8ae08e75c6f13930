import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, type EventStore } from '../../infra/event-store/index.ts';
import { testEnvironment } from '../support/environment.ts';
import { hostAndPort, startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { appendTo, eventually, freshReaction, gate, logger, productStream, seenOf, startReaction, useReactionTestbed } from './recording-reaction.ts';

useReactionTestbed('reaction_reconnect');

let proxy: TcpProxy;
let proxiedStore: EventStore;
beforeAll(async () => {
  proxy = await startTcpProxy(hostAndPort(testEnvironment().esdbUrl));
  proxiedStore = createEventStore({ url: `esdb://127.0.0.1:${proxy.port}?tls=false`, logger });
});
afterAll(async () => {
  await proxiedStore?.close();
  await proxy?.close();
});

describe('a reaction whose event store connection is lost', () => {
  it('ends the session, aborting its handlers, and resumes from the checkpoint with nothing lost', async () => {
    const reaction = await freshReaction();
    const slow = await productStream(1);
    reaction.slow.set(slow.stream, { gate: gate() });
    const runner = startReaction(reaction, { eventStore: proxiedStore });
    await eventually(() => reaction.calls.some((call) => call.key === slow.stream));
    const states = new Set<string>();
    const watch = setInterval(() => states.add(runner.status().state), 2);

    proxy.cut();
    await eventually(() => reaction.aborted.some((call) => call.key === slow.stream), 20_000);
    reaction.slow.delete(slow.stream);
    await appendTo(slow, 1);
    const other = await productStream(2);
    await eventually(async () => (await seenOf(reaction.name, other.stream)).length === 2, 20_000);
    await eventually(async () => (await seenOf(reaction.name, slow.stream)).length === 2, 20_000);
    clearInterval(watch);
    expect(await seenOf(reaction.name, slow.stream)).toEqual(slow.positions);
    expect(states).toContain('disconnected');
    expect(reaction.mostConcurrentPerKey()).toBe(1);
    await runner.stop();
  });
});
