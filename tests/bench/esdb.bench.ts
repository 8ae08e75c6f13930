/**
 * Event-store figures through the real client: append throughput (single events with 64 in
 * flight, 100-event batches), readAll and subscribeToAll catch-up over a large log, and live
 * delivery latency. Runs esdb-dev in memory and on disk, or the server at ESDB_URL.
 *
 * BENCH_EVENTS (default 1,000,000) sizes the log; BENCH_SECONDS (default 5) each append run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventStoreDBClient, FORWARDS, jsonEvent, END, START, streamNameFilter } from '@eventstore/db-client';
import { v4 as uuid } from 'uuid';
import { startEsdbDev } from '../../infra/esdb-dev/index.ts';
import { percentile, rate, report } from './figures.ts';

const logEvents = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const payload = { orderId: uuid(), sku: 'SKU-123', quantity: 3, note: 'x'.repeat(40) };
const event = () => jsonEvent({ type: 'BenchEvent', data: payload, metadata: { correlationId: uuid() } });

async function forSeconds(inFlight: number, work: () => Promise<number>): Promise<{ count: number; ms: number }> {
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  let count = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        const done = await work();
        count += done;
      }
    }),
  );
  return { count, ms: performance.now() - started };
}

async function appendRates(client: EventStoreDBClient, label: string) {
  const prefix = `bench${uuid().slice(0, 8)}`;
  let n = 0;
  const single = await forSeconds(64, async () => {
    await client.appendToStream(`${prefix}-s${n++ % 1000}`, event());
    return 1;
  });
  report(`${label}: 1-event appends, 64 in flight`, { 'appends/s': rate(single.count, single.ms) });

  const hundred = await forSeconds(8, async () => {
    await client.appendToStream(`${prefix}-b${n++ % 1000}`, Array.from({ length: 100 }, event));
    return 100;
  });
  report(`${label}: 100-event appends, 8 in flight`, { 'events/s': rate(hundred.count, hundred.ms) });
}

async function fillLog(client: EventStoreDBClient, prefix: string, total: number) {
  let written = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async (_, worker) => {
      for (let i = 0; written < total; i++) {
        written += 100;
        await client.appendToStream(`${prefix}-${worker}-${i % 500}`, Array.from({ length: 100 }, event));
      }
    }),
  );
  report('fill: 100-event appends, 8 in flight', { events: written, 'events/s': rate(written, performance.now() - started) });
}

async function readAllRate(client: EventStoreDBClient) {
  const started = performance.now();
  let count = 0;
  for await (const _ of client.readAll({ direction: FORWARDS, fromPosition: START })) count++;
  report('readAll forwards from start', { events: count, 'events/s': rate(count, performance.now() - started) });
}

async function catchUpRate(client: EventStoreDBClient) {
  const started = performance.now();
  let count = 0;
  const subscription = client.subscribeToAll({ fromPosition: START });
  // caughtUp is raised in order with the events, so every event before it has been counted.
  subscription.once('caughtUp', () => void subscription.unsubscribe());
  for await (const _ of subscription) count++;
  report('subscribeToAll catch-up from start', { events: count, 'events/s': rate(count, performance.now() - started) });
}

async function liveLatency(client: EventStoreDBClient) {
  const prefix = `live${uuid().slice(0, 8)}-`;
  const total = 2000;
  const sentAt = new Map<string, number>();
  const replyAt = new Map<string, number>();
  const subscription = client.subscribeToAll({ fromPosition: END, filter: streamNameFilter({ prefixes: [prefix] }) });
  await new Promise<void>((resolve) => subscription.once('confirmation', resolve));
  const receivedAt = new Map<string, number>();
  const consumer = (async () => {
    for await (const resolved of subscription) {
      const id = resolved.event!.id;
      receivedAt.set(id, performance.now());
      if (receivedAt.size === total) break;
    }
  })();
  for (let i = 0; i < total; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, j) => {
        const e = event();
        sentAt.set(e.id, performance.now());
        await client.appendToStream(`${prefix}${(i + j) % 50}`, e);
        replyAt.set(e.id, performance.now());
      }),
    );
  }
  await consumer;
  await subscription.unsubscribe();
  // The event often reaches the subscriber before the append's reply reaches the writer, so the
  // figure from the reply is clamped at 0; the one from sending is the full round trip.
  const fromReply: number[] = [];
  const fromSend: number[] = [];
  for (const [id, at] of replyAt) {
    const received = receivedAt.get(id) ?? Number.NaN;
    fromReply.push(Math.max(0, received - at));
    fromSend.push(received - sentAt.get(id)!);
  }
  const sort = (values: number[]) => values.sort((a, b) => a - b);
  sort(fromReply);
  sort(fromSend);
  report('live delivery, append reply → event received', {
    events: total,
    'p50 ms': percentile(fromReply, 50).toFixed(2),
    'p99 ms': percentile(fromReply, 99).toFixed(2),
    'before reply': `${Math.round((100 * fromReply.filter((v) => v === 0).length) / total)}%`,
  });
  report('live delivery, append sent → event received', {
    'p50 ms': percentile(fromSend, 50).toFixed(2),
    'p99 ms': percentile(fromSend, 99).toFixed(2),
  });
}

async function withServer(dataDir: string | undefined, body: (client: EventStoreDBClient) => Promise<void>) {
  const server = process.env.ESDB_URL ? undefined : await startEsdbDev({ port: 0, dataDir });
  const client = EventStoreDBClient.connectionString(process.env.ESDB_URL ?? server!.url);
  try {
    await body(client);
  } finally {
    await client.dispose();
    await server?.stop();
  }
}

export async function run() {
  await withServer(undefined, async (client) => {
    await appendRates(client, process.env.ESDB_URL ? 'server' : 'memory');
    await fillLog(client, `fill${uuid().slice(0, 8)}`, logEvents);
    await readAllRate(client);
    await catchUpRate(client);
    await liveLatency(client);
  });
  if (!process.env.ESDB_URL) {
    const dataDir = await mkdtemp(join(tmpdir(), 'esdb-bench-'));
    try {
      await withServer(dataDir, (client) => appendRates(client, 'disk (fsync)'));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}
