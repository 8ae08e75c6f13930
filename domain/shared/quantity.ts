import { z } from 'zod';

export const MAX_QUANTITY = 1_000_000;

/** How many units one receipt, reservation or order line is about. */
export const quantity = z.int().min(1).max(MAX_QUANTITY);

/** A count of units held (on hand, available); zero is a real answer. */
export const stockLevel = z.int().min(0);
