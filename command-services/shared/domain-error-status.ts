import type { DomainErrorCode } from '../../domain/errors.ts';

/**
 * How each broken business rule answers over HTTP. A `Record` over every code, so adding a code
 * to the domain without deciding its status here fails to compile.
 * 404: the thing does not exist; 409: it conflicts with the current state (retrying the same
 * request cannot succeed until that state changes); 422: the request can never succeed as sent.
 */
export const domainErrorStatus: Record<DomainErrorCode, 404 | 409 | 422> = {
  product_not_found: 404,
  product_already_exists: 409,
  order_not_found: 404,
  order_already_placed: 409,
  order_has_no_lines: 422,
  currency_mismatch: 422,
  order_total_too_large: 422,
  order_already_confirmed: 409,
  order_already_terminal: 409,
  order_cancellation_not_requested: 409,
};
