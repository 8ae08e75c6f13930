/**
 * What the payments service asks of a payment provider. Every call carries an idempotency key derived
 * from the event that asked for it: the provider answers a repeated key with its first answer and moves
 * no money twice, so a retry after a timeout or a crash is always safe. Amounts are integer minor units.
 */
export interface PaymentProvider {
  /** Holds `amount` on the card behind `token`. A decline is an answer, not an error. */
  authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationAnswer>;
  /** Gives back what the authorization `providerRef` holds. A refusal is an answer, not an error. */
  refund(request: RefundRequest, signal: AbortSignal): Promise<RefundAnswer>;
}

export interface AuthorizationRequest {
  idempotencyKey: string;
  orderId: string;
  amount: number;
  currency: string;
  /** The customer's card token: never logged, never stored by us. */
  token: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  orderId: string;
  amount: number;
  currency: string;
  /** The provider's handle on the authorization to give back. */
  providerRef: string;
}

export type AuthorizationAnswer = { outcome: 'authorized'; providerRef: string } | { outcome: 'declined'; reason: string };

/** `refused`: the provider will never refund this (unknown authorization, amount beyond it). */
export type RefundAnswer = { outcome: 'refunded' } | { outcome: 'refused'; reason: string };

/** Why a call got no answer; each is worth asking again later with the same idempotency key. */
export type UnavailableReason = 'provider_error' | 'timed_out' | 'circuit_open' | 'overloaded';

/**
 * The provider did not answer (it failed, timed out, or we did not even ask because the circuit is
 * open or too many calls wait). Says nothing about the payment: ask again with the same key.
 */
export class PaymentProviderUnavailableError extends Error {
  constructor(
    readonly reason: UnavailableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PaymentProviderUnavailableError';
  }
}
