import { CircuitState } from 'cockatiel';

/** The circuit breaker's states in our own words (cockatiel's enum stays behind the resilient provider). */
export const circuitStatuses = ['closed', 'open', 'half_open', 'isolated'] as const;
export type CircuitStatus = (typeof circuitStatuses)[number];

/** What the resilient provider shows of itself: on /metrics and in the readiness details. */
export interface PaymentProviderStatus {
  circuit: CircuitStatus;
  /** Calls running now, at most the bulkhead's limit. */
  inFlight: number;
  /** Calls waiting for a slot. */
  queued: number;
}

export function circuitStatusOf(state: CircuitState): CircuitStatus {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Isolated:
      return 'isolated';
    default: {
      const _exhaustive: never = state;
      throw new Error(`unknown circuit state ${String(_exhaustive)}`);
    }
  }
}
