import { z } from 'zod';
import { plainText } from './text.ts';

export const MAX_SKU_LENGTH = 64;
export const MAX_CUSTOMER_ID_LENGTH = 100;

/** A stock-keeping unit; it names streams and URL segments, hence the narrow alphabet. */
export const sku = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9._-]{1,${MAX_SKU_LENGTH}}$`),
    `must be 1 to ${MAX_SKU_LENGTH} of A-Z, a-z, 0-9, ".", "_" and "-"`,
  );

/** Ids the system mints itself are UUIDs; an order's id names its streams. */
export const orderId = z.uuid();

/** Customers are identified by the caller's own id, which we do not mint. */
export const customerId = plainText(1, MAX_CUSTOMER_ID_LENGTH);

/** Opaque strings exchanged with the payment provider (a card token, its reference for an authorization). */
export const paymentToken = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters');
export const providerRef = paymentToken;
