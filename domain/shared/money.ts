import { z } from 'zod';

// Money is an integer count of minor units (cents) and an ISO 4217 code, never a float,
// so sums are exact and two amounts in different currencies are never added by mistake.

export const MAX_PRICE = 1_000_000_000;

/** ISO 4217 alphabetic code (EUR, USD, JPY). */
export const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of three upper-case letters');

/** A catalog price in minor units: what one unit of a product costs. */
export const price = z.int().min(1).max(MAX_PRICE);

/**
 * A sum of prices in minor units (an order total, an authorization). `z.int()` already
 * refuses anything beyond Number.MAX_SAFE_INTEGER, where integers stop being exact.
 */
export const amount = z.int().min(1);

export type Currency = z.infer<typeof currency>;
