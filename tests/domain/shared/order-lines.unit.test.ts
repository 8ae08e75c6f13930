import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_ORDER_LINES, orderLines, quantity, sku } from '../../../domain/shared/index.ts';

const requestLines = orderLines(z.strictObject({ sku, quantity }));
const lines = (count: number) => Array.from({ length: count }, (_, n) => ({ sku: `SKU-${n}`, quantity: 1 }));

describe('the lines of an order', () => {
  it('are 1 to 100', () => {
    expect(requestLines.safeParse(lines(1)).success).toBe(true);
    expect(requestLines.safeParse(lines(MAX_ORDER_LINES)).success).toBe(true);
    expect(requestLines.safeParse(lines(0)).success).toBe(false);
    expect(requestLines.safeParse(lines(MAX_ORDER_LINES + 1)).success).toBe(false);
  });

  it('name each sku once, pointing at the repeated line', () => {
    const result = requestLines.safeParse([
      { sku: 'MUG-001', quantity: 1 },
      { sku: 'TEA-001', quantity: 1 },
      { sku: 'MUG-001', quantity: 2 },
    ]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([[2, 'sku']]);
  });

  it('refuse unknown fields on a line', () => {
    expect(requestLines.safeParse([{ sku: 'MUG-001', quantity: 1, price: 1 }]).success).toBe(false);
  });
});
