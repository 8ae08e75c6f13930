import { DomainError } from './shared/domain-error.ts';
import { fulfillmentErrorCodes } from './fulfillment/errors.ts';
import { inventoryErrorCodes } from './inventory/errors.ts';
import { orderErrorCodes } from './order/errors.ts';
import { paymentErrorCodes } from './payment/errors.ts';
import { productErrorCodes } from './product/errors.ts';

export { DomainError };

/**
 * Every code a DomainError may carry. The edge maps them to HTTP through a
 * `Record<DomainErrorCode, 409 | 422>`, which the compiler keeps complete.
 */
export const domainErrorCodes = [
  ...productErrorCodes,
  ...inventoryErrorCodes,
  ...orderErrorCodes,
  ...paymentErrorCodes,
  ...fulfillmentErrorCodes,
] as const;
export type DomainErrorCode = (typeof domainErrorCodes)[number];

const knownCodes: ReadonlySet<string> = new Set(domainErrorCodes);

/** True for a DomainError whose code the edge's table knows. */
export const isDomainError = (error: unknown): error is DomainError<DomainErrorCode> =>
  error instanceof DomainError && knownCodes.has(error.code);
