import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { circuitStatuses, type PaymentProviderStatus } from './circuit-status.ts';

export type ProviderOperation = 'authorize' | 'refund';

/** How one call ended, as seen by the payments service (answers, and the ways of getting none). */
export type ProviderCallOutcome =
  | 'authorized'
  | 'declined'
  | 'refunded'
  | 'refused'
  | 'transient_error'
  | 'timed_out'
  | 'rejected_by_breaker'
  | 'rejected_by_bulkhead'
  | 'aborted'
  | 'failed';

/** What the resilient provider reports on /metrics. */
export interface PaymentProviderMetrics {
  recordCall(operation: ProviderOperation, outcome: ProviderCallOutcome): void;
  /** Time the provider itself took (queueing in the bulkhead excluded). */
  observeDuration(operation: ProviderOperation, seconds: number): void;
}

/**
 * Registers the payment provider's metrics in `registry`. The circuit and the bulkhead's occupancy are
 * read from `status` at scrape time, so they are never stale between calls.
 */
export function createPaymentProviderMetrics(registry: Registry, status: () => PaymentProviderStatus): PaymentProviderMetrics {
  new Gauge({
    name: 'payment_provider_circuit_state',
    help: 'Circuit breaker around the payment provider: 1 for the current state, 0 for the others',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const current = status().circuit;
      for (const state of circuitStatuses) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'payment_provider_calls_in_flight',
    help: 'Calls to the payment provider running now (bounded by the bulkhead)',
    registers: [registry],
    collect() {
      this.set(status().inFlight);
    },
  });
  new Gauge({
    name: 'payment_provider_calls_queued',
    help: 'Calls waiting for a free slot of the bulkhead',
    registers: [registry],
    collect() {
      this.set(status().queued);
    },
  });
  const calls = new Counter({
    name: 'payment_provider_calls_total',
    help: 'Calls to the payment provider by operation and outcome (answers, failures, and calls never made)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'payment_provider_call_duration_seconds',
    help: 'Time the payment provider took to answer or fail',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    recordCall: (operation, outcome) => calls.inc({ operation, outcome }),
    observeDuration: (operation, seconds) => duration.observe({ operation }, seconds),
  };
}

export const noPaymentProviderMetrics: PaymentProviderMetrics = { recordCall: () => undefined, observeDuration: () => undefined };
