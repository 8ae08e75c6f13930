import { orderId, sku } from '../../domain/shared/identifiers.ts';
import { changedFulfillments, changedInventory, changedOrders, type Queryable } from '../../projections/index.ts';

/** One read-model row as the live fan-out sends it: `data` is what the GET of that row answers. */
export interface LiveRow {
  key: string;
  position: bigint;
  data: unknown;
}

/**
 * A read model that can be watched: the change topic its projection announces (commit-batch.ts), the
 * topic names a client subscribes to, and how to read its rows as the GET serves them.
 */
export interface LiveSource {
  /** The `topic` of the projection's NOTIFY payloads, and the prefix of a one-row topic (`order:<id>`). */
  announced: string;
  /** The projection whose checkpoint says how far the rows are. */
  projection: string;
  /** Topic of every row (`orders`), when the read model offers one. */
  everyRow?: string;
  /** Whether `key` can name a row (a malformed one is refused at subscribe time). */
  isKey(key: string): boolean;
  /**
   * Rows whose latest change is after `after` (all when absent), only `keys` when given, oldest change
   * first, at most `limit`.
   */
  changed(db: Queryable, options: { after?: bigint; keys?: readonly string[]; limit: number }): Promise<LiveRow[]>;
}

const isValid = (schema: { safeParse(value: unknown): { success: boolean } }) => (key: string) => schema.safeParse(key).success;

const rows = <View extends { position: string }>(views: View[], keyOf: (view: View) => string): LiveRow[] =>
  views.map((view) => ({ key: keyOf(view), position: BigInt(view.position), data: view }));

export const liveSources: readonly LiveSource[] = [
  {
    announced: 'order',
    projection: 'orders',
    everyRow: 'orders',
    isKey: isValid(orderId),
    changed: async (db, { keys, ...options }) =>
      rows(await changedOrders(db, { ...options, ...(keys ? { orderIds: keys } : {}) }), (view) => view.orderId),
  },
  {
    announced: 'inventory',
    projection: 'inventory',
    everyRow: 'inventory',
    isKey: isValid(sku),
    changed: async (db, { keys, ...options }) => rows(await changedInventory(db, { ...options, ...(keys ? { skus: keys } : {}) }), (view) => view.sku),
  },
  {
    announced: 'fulfillment',
    projection: 'fulfillment',
    isKey: isValid(orderId),
    changed: async (db, { keys, ...options }) =>
      rows(await changedFulfillments(db, { ...options, ...(keys ? { orderIds: keys } : {}) }), (view) => view.orderId),
  },
];

/** A topic a client may subscribe to: every row of a source, or one row (`key`). */
export type LiveTopic = { name: string; source: LiveSource; key?: string };

/** The topic a client names, or why it is refused. */
export function parseTopic(name: string): LiveTopic | { refused: string } {
  for (const source of liveSources) {
    if (name === source.everyRow) return { name, source };
    const prefix = `${source.announced}:`;
    if (name.startsWith(prefix)) {
      const key = name.slice(prefix.length);
      return source.isKey(key) ? { name, source, key } : { refused: `"${key}" is not a valid key for ${source.announced} topics` };
    }
  }
  return { refused: `unknown topic; known: ${knownTopics.join(', ')}` };
}

const knownTopics = liveSources.flatMap((source) => [`${source.announced}:<key>`, ...(source.everyRow ? [source.everyRow] : [])]);
