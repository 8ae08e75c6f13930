import { z } from 'zod';

export const MAX_ORDER_LINES = 100;

/**
 * 1 to 100 lines with distinct skus, whatever else a line holds (a request's `{sku, quantity}`,
 * a priced command line). One line per sku keeps "the reservation of order O for sku S"
 * a single thing the inventory can make, release or commit exactly once.
 */
export const orderLines = <Line extends z.ZodType<{ sku: string }>>(line: Line) =>
  z
    .array(line)
    .min(1)
    .max(MAX_ORDER_LINES)
    .superRefine((lines, context) => {
      const seen = new Set<string>();
      lines.forEach((orderLine, index) => {
        if (seen.has(orderLine.sku)) {
          context.addIssue({ code: 'custom', path: [index, 'sku'], message: 'each sku may appear on one line only' });
        }
        seen.add(orderLine.sku);
      });
    });
