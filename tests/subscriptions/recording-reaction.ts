/* Shared by the reaction runner's test files: a reaction that records what it handled, and can be told to misbehave per key. */
import { v4 as uuid } from 'uuid';
import { afterAll, beforeAll } from 'vitest';
import { EventStoreUnavailableError } from '../../infra/event-store/index.ts';
import { startReactionRunner, type Reaction, type ReactionRunnerOptions, type SubscriptionRunner } from '../../infra/subscriptions/index.ts';
import { logger, pool, store, useRunnerTestbed } from './counter-projection.ts';

export { checkpointOf, eventually, logger, newProduct, pool, priceChanged, productAdded, store } from './counter-projection.ts';

/** A gate a handler waits at until the test opens it. */
export interface Gate {
  open(): void;
  readonly opened: Promise<void>;
}
export function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

export interface RecordingReaction extends Reaction {
  /** Every call of handle, in call order (redeliveries included). */
  calls: Array<{ key: string; position: bigint }>;
  /** Keys whose handler waits at the gate; `ignoresAbort` keeps waiting after the signal aborts. */
  slow: Map<string, { gate: Gate; ignoresAbort?: boolean }>;
  /** Keys that fail transiently this many more times. */
  transientFailures: Map<string, number>;
  /** Keys that fail for good (poison) while listed. */
  poison: Set<string>;
  /** Calls whose signal was aborted while they waited. */
  aborted: Array<{ key: string; position: bigint }>;
  /** Most handlers of one key that ever ran at once (must stay 1). */
  mostConcurrentPerKey(): number;
}

/**
 * Handles product events, keyed by stream: records (key, position) in its own table, idempotently (ON
 * CONFLICT DO NOTHING), in the order effects happened (`seq`).
 */
export function recordingReaction(options: { maxInFlight?: number } = {}): RecordingReaction {
  const running = new Map<string, number>();
  let mostConcurrent = 0;
  const reaction: RecordingReaction = {
    name: `reaction_${uuid().slice(0, 8)}`,
    handles: ['ProductAdded', 'ProductPriceChanged'],
    key: (event) => event.streamName,
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    calls: [],
    slow: new Map(),
    transientFailures: new Map(),
    poison: new Set(),
    aborted: [],
    mostConcurrentPerKey: () => mostConcurrent,
    async handle(event, signal) {
      const key = event.streamName;
      const now = (running.get(key) ?? 0) + 1;
      running.set(key, now);
      mostConcurrent = Math.max(mostConcurrent, now);
      try {
        reaction.calls.push({ key, position: event.position });
        const slow = reaction.slow.get(key);
        if (slow) await waitAtGate(slow.gate, slow.ignoresAbort ? undefined : signal, () => reaction.aborted.push({ key, position: event.position }));
        if (reaction.poison.has(key)) throw new Error(`poison ${key}`);
        const failures = reaction.transientFailures.get(key) ?? 0;
        if (failures > 0) {
          reaction.transientFailures.set(key, failures - 1);
          throw new EventStoreUnavailableError('flaky store');
        }
        await pool.query('INSERT INTO reactions_seen (name, key, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          reaction.name,
          key,
          event.position.toString(10),
        ]);
      } finally {
        running.set(key, (running.get(key) ?? 1) - 1);
      }
    },
  };
  return reaction;
}

async function waitAtGate(at: Gate, signal: AbortSignal | undefined, onAbort: () => void): Promise<void> {
  if (!signal) return at.opened;
  if (signal.aborted) throw signal.reason;
  await new Promise<void>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    void at.opened.then(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    });
  });
}

/** The runner's testbed, plus the reaction's table; stops the file's reaction runners before the pool closes. */
export function useReactionTestbed(purpose: string): void {
  useRunnerTestbed(purpose);
  afterAll(stopReactions); // (after-hooks run last-registered first)
  beforeAll(async () => {
    await pool.query(`
      CREATE TABLE reactions_seen (
        seq bigserial, name text, key text, position numeric(20), PRIMARY KEY (name, position)
      )`);
  });
}

/** A reaction whose checkpoint starts at the head of the shared `$all`, so it does not replay other tests' history. */
export async function freshReaction(options: { maxInFlight?: number } = {}): Promise<RecordingReaction> {
  const reaction = recordingReaction(options);
  const head = await store.headPosition();
  await pool.query('INSERT INTO checkpoints (name, position, epoch) VALUES ($1, $2, 0)', [reaction.name, head.toString()]);
  return reaction;
}

const runners: SubscriptionRunner[] = [];
export const startReaction = (reaction: Reaction, options: Partial<Omit<ReactionRunnerOptions, 'reaction'>> = {}) => {
  const runner = startReactionRunner({ reaction, eventStore: store, pool, logger, idleProbeMs: 200, retryBaseMs: 10, retryMaxMs: 50, maxBackoffMs: 500, ...options });
  runners.push(runner);
  return runner;
};
const stopReactions = () => Promise.all(runners.splice(0).map((runner) => runner.stop()));

/** The positions recorded for a key, in the order their effects happened. */
export async function seenOf(name: string, key: string): Promise<bigint[]> {
  const { rows } = await pool.query<{ position: string }>(
    'SELECT position::text FROM reactions_seen WHERE name = $1 AND key = $2 ORDER BY seq',
    [name, key],
  );
  return rows.map((row) => BigInt(row.position));
}

export async function deadLettersOf(name: string, key?: string): Promise<bigint[]> {
  const { rows } = await pool.query<{ position: string }>(
    'SELECT position::text FROM dead_letters WHERE name = $1 AND ($2::text IS NULL OR key = $2) ORDER BY position',
    [name, key ?? null],
  );
  return rows.map((row) => BigInt(row.position));
}

/** A product stream of `events` events appended one by one (each its own append): their positions. */
export async function productStream(events: number): Promise<{ stream: string; positions: bigint[] }> {
  const sku = `sku-${uuid()}`;
  const stream = `product-${sku}`;
  const positions: bigint[] = [];
  for (let n = 0; n < events; n++) {
    const event = n === 0 ? productAddedEvent(sku) : { id: uuid(), type: 'ProductPriceChanged', data: { sku, price: 1300 + n } };
    const { position } = await store.append(stream, [event], n === 0 ? 'no_stream' : BigInt(n - 1));
    positions.push(position);
  }
  return { stream, positions };
}
const productAddedEvent = (sku: string) => ({ id: uuid(), type: 'ProductAdded', data: { sku, name: 'Mug', price: 1200, currency: 'EUR' } });

/** Appends more events to a product stream made by productStream. */
export async function appendTo(stream: { stream: string; positions: bigint[] }, events: number): Promise<bigint[]> {
  const sku = stream.stream.slice('product-'.length);
  const added: bigint[] = [];
  for (let n = 0; n < events; n++) {
    const revision = BigInt(stream.positions.length - 1);
    const { position } = await store.append(stream.stream, [{ id: uuid(), type: 'ProductPriceChanged', data: { sku, price: 2000 + n } }], revision);
    stream.positions.push(position);
    added.push(position);
  }
  return added;
}
