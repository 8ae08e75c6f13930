import { randomUUID } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * Parses the forms .NET's Guid.Parse accepts that clients realistically send: 32 hex digits,
 * optionally dashed 8-4-4-4-12 and optionally wrapped in braces or parentheses, any case.
 * Returns the 16 big-endian bytes, or undefined when `text` is not a UUID.
 */
export function parseUuid(text: string): Buffer | undefined {
  let body = text;
  if ((body.startsWith('{') && body.endsWith('}')) || (body.startsWith('(') && body.endsWith(')'))) {
    body = body.slice(1, -1);
  }
  const dashed = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
  if (dashed.test(body)) body = body.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(body)) return undefined;
  return Buffer.from(body, 'hex');
}

/** The structured form: two int64 halves, each the big-endian bytes of one half of the UUID. */
export function uuidFromHalves(mostSignificant: string, leastSignificant: string): Buffer | undefined {
  try {
    const bytes = Buffer.alloc(16);
    bytes.writeBigInt64BE(BigInt.asIntN(64, BigInt(mostSignificant)), 0);
    bytes.writeBigInt64BE(BigInt.asIntN(64, BigInt(leastSignificant)), 8);
    return bytes;
  } catch {
    return undefined;
  }
}

/** Canonical lowercase 8-4-4-4-12 text of the 16 bytes at `offset`. */
export function formatUuid(bytes: Uint8Array, offset = 0): string {
  let text = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    text += HEX[bytes[offset + i] as number];
  }
  return text;
}

export const randomUuidBytes = (): Buffer => parseUuid(randomUUID()) as Buffer;

export const isNilUuid = (bytes: Uint8Array) => bytes.every((byte) => byte === 0);
