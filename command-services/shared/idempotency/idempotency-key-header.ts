/** DESIGN §3: 1 to 255 visible ASCII characters (no space, no control characters, nothing non-ASCII). */
const validKey = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyKeyHeader =
  | { kind: 'absent' }
  | { kind: 'valid'; key: string }
  | { kind: 'invalid'; message: string };

/**
 * Reads `Idempotency-Key` from the raw header list, where a repeated header is still visible as two
 * entries (node joins repeats into one "a, b" string in `request.headers`, and one key cannot be chosen
 * between two).
 */
export function readIdempotencyKey(rawHeaders: readonly string[]): IdempotencyKeyHeader {
  const values: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === 'idempotency-key') values.push(rawHeaders[index + 1] ?? '');
  }
  if (values.length === 0) return { kind: 'absent' };
  if (values.length > 1) return { kind: 'invalid', message: 'send one Idempotency-Key header, not several' };
  const [key = ''] = values;
  if (!validKey.test(key)) {
    return { kind: 'invalid', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces)' };
  }
  return { kind: 'valid', key };
}
