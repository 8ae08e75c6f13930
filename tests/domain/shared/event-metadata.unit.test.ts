import { describe, expect, it } from 'vitest';
import { eventMetadata } from '../../../domain/shared/index.ts';

const ids = { correlationId: 'req-8f3a2c', causationId: 'req-8f3a2c' };

describe('the metadata of a stored event', () => {
  it('carries a correlation id and a causation id', () => {
    expect(eventMetadata.safeParse(ids).success).toBe(true);
    expect(eventMetadata.safeParse({ causationId: 'x' }).success).toBe(false);
    expect(eventMetadata.safeParse({ correlationId: 'x' }).success).toBe(false);
    expect(eventMetadata.safeParse({ correlationId: '', causationId: 'x' }).success).toBe(false);
  });

  it('carries the client’s idempotency key when there was one: 1 to 255 visible ASCII characters', () => {
    expect(eventMetadata.safeParse({ ...ids, idempotencyKey: 'k' }).success).toBe(true);
    expect(eventMetadata.safeParse({ ...ids, idempotencyKey: 'k'.repeat(255) }).success).toBe(true);
    expect(eventMetadata.safeParse({ ...ids, idempotencyKey: '' }).success).toBe(false);
    expect(eventMetadata.safeParse({ ...ids, idempotencyKey: 'k'.repeat(256) }).success).toBe(false);
    expect(eventMetadata.safeParse({ ...ids, idempotencyKey: 'two words' }).success).toBe(false);
  });

  it('keeps what it knows and drops what the store adds of its own', () => {
    expect(eventMetadata.parse({ ...ids, $correlationId: 'other' })).toEqual(ids);
  });
});
