import { describe, expect, it } from 'vitest';
import { deadLetterKey } from '../../infra/subscriptions/dead-letter-key.ts';

describe('the form a key is parked under', () => {
  it('is the key itself when PostgreSQL can index it', () => {
    expect(deadLetterKey('4c3f2a1b-8d7e-4f6a-9b5c-2e1d0f9a8b7c')).toBe('4c3f2a1b-8d7e-4f6a-9b5c-2e1d0f9a8b7c');
  });

  it('shortens a long key to its start and a hash, keeping two long keys that differ only at the end apart', () => {
    const common = 'k'.repeat(10_000);
    const [a, b] = [deadLetterKey(`${common}a`), deadLetterKey(`${common}b`)];
    expect(a).not.toBe(b);
    expect(a.startsWith('k'.repeat(64))).toBe(true);
    expect(Buffer.byteLength(a)).toBeLessThan(200);
  });

  it('leaves NUL out, which text refuses, without merging the key with its NUL-free twin', () => {
    const withNul = deadLetterKey('order\u0000-1');
    expect(withNul).not.toContain('\u0000');
    expect(withNul).not.toBe(deadLetterKey('order-1'));
  });

  it('maps a shortened key to itself, so a retry may name a key as /projections shows it', () => {
    const shown = deadLetterKey('x'.repeat(5_000));
    expect(deadLetterKey(shown)).toBe(shown);
  });
});
