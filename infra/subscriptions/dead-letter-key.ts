import { createHash } from 'node:crypto';

/** Longest key kept as it is, in UTF-8 bytes: a btree entry fails above ~2.7 KB, name and position included. */
const MAX_KEY_BYTES = 512;

/**
 * The form a key takes in dead_letters, and so wherever parked keys are compared (the batch's check, a
 * reaction's ParkedKeys, /projections, a retry's `key`). A key too long for the index, or holding NUL
 * (which text refuses), becomes its readable start and a hash of all of it, so two long keys stay apart;
 * otherwise parking it would fail, roll the batch back, and stall every key behind it for ever.
 */
export function deadLetterKey(key: string): string {
  if (Buffer.byteLength(key) <= MAX_KEY_BYTES && !key.includes('\u0000')) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${key.replaceAll('\u0000', '').slice(0, 64)}…sha256:${hash}`;
}
