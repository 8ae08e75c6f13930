import type pg from 'pg';

/** Anything that runs a parameterised query: a pool, a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** One page of a keyset-paginated list; `nextCursor` is null on the last page. */
export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/**
 * The HTTP layer validates `limit` first; this guard keeps a direct caller from asking for an
 * unbounded page, which a keyset query would happily serve.
 */
export function pageSize(limit: number | undefined): number {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(limit)}`);
  }
  return size;
}

/**
 * Queries fetch one row more than asked: its presence alone says another page exists, so a
 * full last page does not announce an empty next one.
 */
export function toPage<Row, Item>(rows: Row[], size: number, toItem: (row: Row) => Item, cursorOf: (row: Row) => string): Page<Item> {
  const pageRows = rows.slice(0, size);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toItem),
    nextCursor: rows.length > size && last !== undefined ? cursorOf(last) : null,
  };
}

/** Timestamps leave the read side as ISO-8601 UTC, whatever the session's TimeZone. */
export const isoTime = (value: Date | string): string => new Date(value).toISOString();

/** The event's own time, never now(): a rebuild writes the same rows. */
export const eventTime = (createdAt: Date): string => createdAt.toISOString();

/** Positions are uint64: bound as decimal text into numeric(20), never as a JS number. */
export const positionParam = (position: bigint): string => position.toString(10);

/** A cursor this module did not hand out: the caller answers 400 rather than 500. */
export class InvalidCursorError extends RangeError {
  constructor(cursor: string) {
    super(`cursor ${JSON.stringify(cursor.slice(0, 100))} is not one this list handed out`);
    this.name = 'InvalidCursorError';
  }
}
