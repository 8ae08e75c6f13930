import { describe, expect, it } from 'vitest';
import { orderId, paymentToken, sku } from '../../../domain/shared/index.ts';

describe('a sku', () => {
  it.each(['A', 'MUG-001', 'tea.earl_grey-100g', '0', 'x'.repeat(64)])('accepts %j', (value) => {
    expect(sku.safeParse(value).success).toBe(true);
  });

  it.each(['', 'x'.repeat(65), 'MUG 001', 'MUG/001', 'MUG:1', 'tassé', 'MUG\u0000', 'MUG\n'])('refuses %j', (value) => {
    expect(sku.safeParse(value).success).toBe(false);
  });
});

describe('an order id', () => {
  it('is a UUID', () => {
    expect(orderId.safeParse('9b2f4c1e-7a3d-4e5f-8b6a-1c2d3e4f5a60').success).toBe(true);
  });

  it.each(['', 'order-1', '9b2f4c1e7a3d4e5f8b6a1c2d3e4f5a60', '9b2f4c1e-7a3d-4e5f-8b6a-1c2d3e4f5a6'])(
    'refuses %j',
    (value) => {
      expect(orderId.safeParse(value).success).toBe(false);
    },
  );
});

describe('a payment token', () => {
  it('is 1 to 255 visible ASCII characters', () => {
    expect(paymentToken.safeParse('tok_ok').success).toBe(true);
    expect(paymentToken.safeParse('t'.repeat(255)).success).toBe(true);
    expect(paymentToken.safeParse('').success).toBe(false);
    expect(paymentToken.safeParse('t'.repeat(256)).success).toBe(false);
    expect(paymentToken.safeParse('tok ok').success).toBe(false);
    expect(paymentToken.safeParse('tok_ok\n').success).toBe(false);
  });
});
