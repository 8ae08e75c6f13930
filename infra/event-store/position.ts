/**
 * `$all` commit positions are uint64. Inside the system they are bigints; on the wire (HTTP bodies,
 * headers, query strings, JSON) they are decimal strings, because JSON numbers lose precision past
 * 2^53 and `JSON.stringify` throws on bigint.
 */
export const MAX_POSITION = 2n ** 64n - 1n;

const decimal = /^(0|[1-9][0-9]{0,19})$/;

/** Parses a wire position; undefined when it is not a uint64 decimal string. */
export function parsePosition(text: string): bigint | undefined {
  if (!decimal.test(text)) return undefined;
  const value = BigInt(text);
  return value <= MAX_POSITION ? value : undefined;
}

export const formatPosition = (position: bigint): string => position.toString(10);
