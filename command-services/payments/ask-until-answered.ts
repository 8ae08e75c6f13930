import type { Logger } from '../../infra/logger.ts';
import { backoffDelay, sleepUnlessAborted } from '../../infra/subscriptions/backoff.ts';
import { PaymentProviderUnavailableError } from './payment-provider.ts';

export interface AskOptions {
  signal: AbortSignal;
  log: Logger;
  /** First wait between attempts; doubles up to `capMs`, jittered. */
  baseMs: number;
  capMs: number;
}

/**
 * Asks the provider until it answers: while it is unavailable (failing, timing out, circuit open), the
 * request waits with capped, jittered backoff instead of hammering it. Each attempt carries the same
 * idempotency key, so however many there are, money moves at most once. Rejects with the abort reason
 * once `signal` aborts, and at once with any other error.
 */
export async function askUntilAnswered<T>(ask: () => Promise<T>, { signal, log, baseMs, capMs }: AskOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    signal.throwIfAborted();
    try {
      return await ask();
    } catch (error) {
      if (signal.aborted || !(error instanceof PaymentProviderUnavailableError)) throw error;
      const delay = backoffDelay(attempt, baseMs, capMs);
      // An open circuit holds every waiting payment: one line per payment now and then, not per attempt.
      if (attempt % 10 === 0) {
        log.warn({ reason: error.reason, attempt: attempt + 1, retryInMs: Math.round(delay) }, 'payment provider unavailable; waiting to ask again');
      }
      await sleepUnlessAborted(delay, signal);
    }
  }
}
