import { randomUUID } from 'node:crypto';
import {
  EventStoreDBClient,
  jsonEvent,
  type AllStreamRecordedEvent,
  type AppendResult,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from '@eventstore/db-client';
import { testEnvironment } from '../../support/environment.ts';

/** A client on the event store of this run (esdb-dev, or ESDB_URL). Dispose it in afterAll. */
export const connectClient = (): EventStoreDBClient =>
  EventStoreDBClient.connectionString(testEnvironment().esdbUrl);

/**
 * A stream-name prefix no other test uses: the server is shared by every test file of a run,
 * and a real EventStoreDB keeps the streams of earlier runs.
 */
export const uniquePrefix = (area: string): string => `${area}_${randomUUID().replaceAll('-', '')}`;

/** `count` small JSON events numbered in their data, so order and gaps are visible. */
export const jsonEvents = (count: number, type = 'TestEvent') =>
  Array.from({ length: count }, (_, index) => jsonEvent({ type, data: { index } }));

/** Every event of a stream read, in the order the server sent them. */
export async function readStreamEvents(
  client: EventStoreDBClient,
  streamName: string,
  options: ReadStreamOptions = {},
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const resolved of client.readStream(streamName, options)) {
    if (resolved.event) events.push(resolved.event);
  }
  return events;
}

/** Every event of a `$all` read, in the order the server sent them. */
export async function readAllEvents(
  client: EventStoreDBClient,
  options: ReadAllOptions = {},
): Promise<AllStreamRecordedEvent[]> {
  const events: AllStreamRecordedEvent[] = [];
  for await (const resolved of client.readAll(options)) {
    if (resolved.event) events.push(resolved.event);
  }
  return events;
}

/** The error a call fails with; fails the test when the call succeeds instead. */
export async function rejectionOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The position an append reports; every successful append on a 22.6+ server has one. */
export function positionOf(result: AppendResult): Position {
  if (!result.position) throw new Error('the append result carries no position');
  return result.position;
}

/** Orders `$all` positions: commit first, then prepare (protocol §3). */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** True when each position is strictly after the one before it. */
export const strictlyIncreasing = (positions: Position[]): boolean =>
  positions.every((position, i) => i === 0 || comparePositions(positions[i - 1]!, position) < 0);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; fails with `what` after `timeoutMs` so a test never hangs. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
