/* Shared by the parking tests: a projection keyed by sku (not by stream), whose reading of events can be broken and fixed. */
import { v4 as uuid } from 'uuid';
import { beforeAll } from 'vitest';
import type { StoredEvent } from '../../domain/events.ts';
import type { RecordedEvent } from '../../infra/event-store/index.ts';
import type { Projection } from '../../projections/projection.ts';
import { pool, store } from './counter-projection.ts';

export interface SkuCounter extends Projection {
  /** Skus whose events this projection cannot read (a reader bug; deleting the entry deploys the fix). */
  unreadable: Set<string>;
  /** Skus whose events it reads but cannot apply. */
  refused: Set<string>;
}

/** The sku an event names, read from its raw data (the projection's own reading, lenient on purpose). */
const rawSku = (data: unknown): string | undefined => {
  const sku = (data as { sku?: unknown } | null)?.sku;
  return typeof sku === 'string' && sku !== '' ? sku : undefined;
};

/**
 * Counts product events per sku, idempotently by position like a real read model, so an event replayed
 * after a later one of its sku was applied would be skipped (its effect lost). Skus may be very long:
 * rows are unique by a hash of the sku.
 */
export function skuCounter(name = `sku_counter_${uuid().slice(0, 8)}`): SkuCounter {
  const unreadable = new Set<string>();
  const refused = new Set<string>();
  return {
    name,
    version: 1,
    handles: ['ProductAdded', 'ProductPriceChanged'],
    migrations: [],
    unreadable,
    refused,
    parse(recorded: RecordedEvent) {
      const sku = rawSku(recorded.data);
      if (sku === undefined || unreadable.has(sku)) throw new Error(`cannot read ${recorded.type} at ${recorded.position}`);
      const { type, data, ...place } = recorded;
      return { ...place, event: { type, data } as StoredEvent };
    },
    key: ({ event }) => ('sku' in event.data ? event.data.sku : ''),
    unparsedKey: ({ streamName, data }) => rawSku(data) ?? (streamName.startsWith('product-') ? streamName.slice('product-'.length) : undefined),
    apply: ({ event, position }) => {
      const sku = 'sku' in event.data ? event.data.sku : '';
      if (refused.has(sku)) throw new Error(`cannot apply ${sku}`);
      return {
        statements: [
          {
            text: `INSERT INTO sku_counts (name, sku, count, position) VALUES ($1, $2, 1, $3)
                   ON CONFLICT (name, md5(sku)) DO UPDATE SET count = sku_counts.count + 1, position = excluded.position
                   WHERE sku_counts.position < excluded.position`,
            values: [name, sku, position.toString(10)],
          },
        ],
        changes: [],
      };
    },
  };
}

/** Registers the sku_counts table (call after useRunnerTestbed). */
export function useSkuCounts(): void {
  beforeAll(async () => {
    await pool.query(`
      CREATE TABLE sku_counts (name text NOT NULL, sku text NOT NULL, count int NOT NULL, position numeric(20) NOT NULL);
      CREATE UNIQUE INDEX sku_counts_key ON sku_counts (name, md5(sku));`);
  });
}

/** A sku counter whose checkpoint is the head of the shared `$all`, so it does not replay other tests' history. */
export async function freshSkuCounter(): Promise<{ projection: SkuCounter; from: bigint }> {
  const projection = skuCounter();
  const from = await store.headPosition();
  await pool.query('INSERT INTO checkpoints (name, position, epoch) VALUES ($1, $2, 0)', [projection.name, from.toString()]);
  return { projection, from };
}

/** Another projection of the same kind that replays from `from`: what a fresh replay gives. */
export async function replayFrom(from: bigint): Promise<SkuCounter> {
  const projection = skuCounter();
  await pool.query('INSERT INTO checkpoints (name, position, epoch) VALUES ($1, $2, 0)', [projection.name, from.toString()]);
  return projection;
}

export async function skuRow(name: string, sku: string): Promise<{ count: number; position: string } | undefined> {
  const { rows } = await pool.query<{ count: number; position: string }>(
    'SELECT count, position::text FROM sku_counts WHERE name = $1 AND md5(sku) = md5($2)',
    [name, sku],
  );
  return rows[0];
}

export async function deadLetterKeys(name: string): Promise<Array<{ key: string; events: number }>> {
  const { rows } = await pool.query<{ key: string; events: number }>(
    'SELECT key, count(*)::int AS events FROM dead_letters WHERE name = $1 GROUP BY key ORDER BY min(position)',
    [name],
  );
  return rows;
}
