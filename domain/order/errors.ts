import { DomainError } from '../shared/domain-error.ts';
import type { OrderStatus } from './state.ts';

export const orderErrorCodes = [
  'order_not_found',
  'order_already_placed',
  'order_has_no_lines',
  'currency_mismatch',
  'order_total_too_large',
  'order_already_confirmed',
  'order_already_terminal',
  'order_cancellation_not_requested',
] as const;
export type OrderErrorCode = (typeof orderErrorCodes)[number];

const orderError = (code: OrderErrorCode, message: string, details: Record<string, unknown>) =>
  new DomainError<OrderErrorCode>(code, message, details);

export const orderNotFound = (orderId: string) =>
  orderError('order_not_found', `Order ${orderId} does not exist.`, { orderId });

export const orderAlreadyPlaced = (orderId: string) =>
  orderError('order_already_placed', `Order ${orderId} has already been placed.`, { orderId });

export const orderHasNoLines = (orderId: string) =>
  orderError('order_has_no_lines', `Order ${orderId} has no lines.`, { orderId });

export const currencyMismatch = (orderId: string, currencies: string[]) =>
  orderError('currency_mismatch', `The lines of order ${orderId} are priced in more than one currency.`, {
    orderId,
    currencies,
  });

export const orderTotalTooLarge = (orderId: string) =>
  orderError('order_total_too_large', `The total of order ${orderId} is too large to be counted exactly.`, {
    orderId,
    maximum: Number.MAX_SAFE_INTEGER,
  });

export const orderAlreadyConfirmed = (orderId: string) =>
  orderError('order_already_confirmed', `Order ${orderId} is confirmed and can no longer be cancelled.`, { orderId });

export const orderAlreadyTerminal = (orderId: string, status: OrderStatus) =>
  orderError('order_already_terminal', `Order ${orderId} is already ${status}.`, { orderId, status });

export const orderCancellationNotRequested = (orderId: string) =>
  orderError('order_cancellation_not_requested', `No cancellation of order ${orderId} was requested.`, { orderId });
