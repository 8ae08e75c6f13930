import { BrokenCircuitError, bulkhead, BulkheadRejectedError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen } from 'cockatiel';
import type { Registry } from 'prom-client';
import type { Logger } from '../../infra/logger.ts';
import { untilAborted, withDeadline, withLinkedSignal } from './abort-race.ts';
import { circuitStatusOf, type CircuitStatus, type PaymentProviderStatus } from './circuit-status.ts';
import {
  createPaymentProviderMetrics,
  noPaymentProviderMetrics,
  type ProviderCallOutcome,
  type ProviderOperation,
} from './payment-provider-metrics.ts';
import { PaymentProviderUnavailableError, type PaymentProvider } from './payment-provider.ts';

export interface ResilienceOptions {
  /** Calls to the provider at once (default 10); more wait in a queue. */
  maxConcurrent?: number;
  /** Calls that may wait for a slot (default 1,000, the reaction runner's default in-flight bound). */
  maxQueued?: number;
  /** Consecutive failed calls (errors, timeouts) that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before one call may test the provider (default 5 s). */
  halfOpenAfterMs?: number;
  /** Bound on one call; a provider that answers later counts as failed (default 10 s; keep it above PAYMENT_SLOW_MS). */
  callTimeoutMs?: number;
  /** Where the provider metrics are registered (none without). */
  registry?: Registry;
  /** Receives the circuit's changes of state. */
  logger?: Logger;
}

/** A payment provider behind a bulkhead and a circuit breaker, that shows how it fares. */
export interface ResilientPaymentProvider extends PaymentProvider {
  /** The circuit now. It stays `open` past `halfOpenAfterMs` until a call comes to test the provider. */
  circuit(): CircuitStatus;
  status(): PaymentProviderStatus;
}

/**
 * Wraps `provider` so that a failing provider is not hammered: at most `maxConcurrent` calls run at once,
 * and after `failureThreshold` consecutive failures the circuit opens and calls fail fast with
 * PaymentProviderUnavailableError('circuit_open') until one test call, `halfOpenAfterMs` later, succeeds.
 * Answers (authorized, declined, refunded, refused) count as successes: a decline says the provider works.
 * Only PaymentProviderUnavailableError (raised by the provider, or a timeout) counts as a failure; an
 * abort of the caller counts as neither, except for the half-open test call (see countsAsFailure).
 *
 * Every error that means "no answer" leaves here as PaymentProviderUnavailableError, so no cockatiel
 * type reaches the callers.
 */
export function createResilientPaymentProvider(provider: PaymentProvider, options: ResilienceOptions = {}): ResilientPaymentProvider {
  const maxConcurrent = options.maxConcurrent ?? 10;
  const maxQueued = options.maxQueued ?? 1_000;
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  // An aborted test call proves nothing, yet cockatiel closes a half-open circuit on any error it does not
  // handle: there, an abort counts as a failure and the circuit stays open.
  const countsAsFailure = (error: Error) =>
    error instanceof PaymentProviderUnavailableError || (error instanceof AbortedCall && breaker.state === CircuitState.HalfOpen);
  const breaker = circuitBreaker(handleWhen(countsAsFailure), {
    halfOpenAfter: options.halfOpenAfterMs ?? 5_000,
    breaker: new ConsecutiveBreaker(options.failureThreshold ?? 5),
  });
  const slots = bulkhead(maxConcurrent, maxQueued);
  const status = (): PaymentProviderStatus => ({
    circuit: circuitStatusOf(breaker.state),
    inFlight: maxConcurrent - slots.executionSlots,
    queued: maxQueued - slots.queueSlots,
  });
  const metrics = options.registry ? createPaymentProviderMetrics(options.registry, status) : noPaymentProviderMetrics;
  breaker.onStateChange((state) => {
    const circuit = circuitStatusOf(state);
    if (circuit === 'open') options.logger?.warn({ circuit }, 'payment provider keeps failing: circuit opened, calls fail fast');
    else options.logger?.info({ circuit }, 'payment provider circuit changed state');
  });

  const timedCall = async <T>(operation: ProviderOperation, call: (signal: AbortSignal) => Promise<T>, signal: AbortSignal) => {
    const started = performance.now();
    try {
      const onTimeout = () => new PaymentProviderUnavailableError('timed_out', `payment provider did not answer ${operation} within ${callTimeoutMs} ms`);
      return await withDeadline(callTimeoutMs, signal, onTimeout, call);
    } finally {
      metrics.observeDuration(operation, (performance.now() - started) / 1000);
    }
  };

  async function guarded<T>(
    operation: ProviderOperation,
    call: (signal: AbortSignal) => Promise<T>,
    outcomeOf: (answer: T) => ProviderCallOutcome,
    outer: AbortSignal,
  ): Promise<T> {
    return withLinkedSignal(outer, async ({ signal }) => {
      try {
        // Each level is handed `signal` explicitly: cockatiel's breaker re-runs a call that waited for the
        // half-open test without its signal, and its bulkhead leaves a cancelled call in the queue, hence
        // the race with the signal outside.
        const answer = await untilAborted(
          breaker.execute(() => markAborts(signal, slots.execute(() => timedCall(operation, call, signal), signal)), signal),
          signal,
        );
        metrics.recordCall(operation, outcomeOf(answer));
        return answer;
      } catch (error) {
        const [outcome, translated] = signal.aborted ? (['aborted', signal.reason] as const) : translate(error);
        metrics.recordCall(operation, outcome);
        throw translated;
      }
    });
  }

  return {
    authorize: (request, signal) => guarded('authorize', (inner) => provider.authorize(request, inner), (answer) => answer.outcome, signal),
    refund: (request, signal) => guarded('refund', (inner) => provider.refund(request, inner), (answer) => answer.outcome, signal),
    circuit: () => circuitStatusOf(breaker.state),
    status,
  };
}

/** A call given up by its caller, as the breaker sees it (the caller gets its signal's reason). */
class AbortedCall extends Error {}

const markAborts = <T>(signal: AbortSignal, work: Promise<T>): Promise<T> =>
  work.catch((error: unknown) => {
    throw signal.aborted ? new AbortedCall('call aborted', { cause: error }) : error;
  });

function translate(error: unknown): readonly [ProviderCallOutcome, unknown] {
  // IsolatedCircuitError is a BrokenCircuitError too.
  if (error instanceof BrokenCircuitError) {
    return ['rejected_by_breaker', new PaymentProviderUnavailableError('circuit_open', 'payment provider circuit is open: not calling it', { cause: error })];
  }
  if (error instanceof BulkheadRejectedError) {
    return ['rejected_by_bulkhead', new PaymentProviderUnavailableError('overloaded', 'too many payment provider calls are waiting', { cause: error })];
  }
  if (error instanceof PaymentProviderUnavailableError) return [error.reason === 'timed_out' ? 'timed_out' : 'transient_error', error];
  return ['failed', error];
}
