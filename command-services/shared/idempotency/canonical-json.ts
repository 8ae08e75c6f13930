import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two bodies that mean the same thing (`{"a":1,"b":2}`
 * and `{"b":2,"a":1}`) hash the same. Arrays keep their order, which is meaningful. Only used for
 * hashing: bigints (which JSON lacks) become their decimal string.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;

  const members = Object.keys(value)
    .sort()
    .flatMap((key) => {
      const member = (value as Record<string, unknown>)[key];
      // As JSON.stringify does: absent and undefined are the same thing.
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') return [];
      return [`${JSON.stringify(key)}:${canonicalJson(member)}`];
    });
  return `{${members.join(',')}}`;
}

/** sha256 (hex) of the canonical JSON of a parsed request body; no body counts as `null`. */
export const requestHashOf = (body: unknown): string =>
  createHash('sha256').update(canonicalJson(body ?? null)).digest('hex');
