import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PaymentProviderUnavailableError, type AuthorizationRequest, type PaymentProvider } from '../../../command-services/payments/payment-provider.ts';
import { createResilientPaymentProvider, type ResilienceOptions } from '../../../command-services/payments/resilient-payment-provider.ts';
import { buildApp } from '../../../infra/http/build-app.ts';
import { createLogger } from '../../../infra/logger.ts';

/**
 * A provider the test steers (a fake provider, not a fake store): it answers, fails, declines or holds
 * each call until released, and counts what reached it.
 */
function steeredProvider() {
  const state = {
    mode: 'authorize' as 'authorize' | 'decline' | 'fail',
    hold: false,
    calls: 0,
    running: 0,
    maxRunning: 0,
    held: [] as Array<() => void>,
  };
  const call = async <T>(answer: () => T): Promise<T> => {
    state.calls++;
    state.maxRunning = Math.max(state.maxRunning, ++state.running);
    try {
      if (state.hold) await new Promise<void>((resolve) => state.held.push(resolve));
      if (state.mode === 'fail') throw new PaymentProviderUnavailableError('provider_error', 'provider down');
      return answer();
    } finally {
      state.running--;
    }
  };
  const provider: PaymentProvider = {
    authorize: () =>
      call(() => (state.mode === 'decline' ? { outcome: 'declined' as const, reason: 'card_declined' } : { outcome: 'authorized' as const, providerRef: 'ref-1' })),
    refund: () => call(() => ({ outcome: 'refunded' as const })),
  };
  const releaseAll = () => state.held.splice(0).forEach((release) => release());
  return { provider, state, releaseAll };
}

const request: AuthorizationRequest = { idempotencyKey: 'k-1', orderId: 'order-1', amount: 100, currency: 'EUR', token: 'tok_ok' };
const notAborted = new AbortController().signal;
const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: unknown) => (error instanceof PaymentProviderUnavailableError ? error.reason : error),
  );

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

function resilient(options: ResilienceOptions = {}) {
  const steered = steeredProvider();
  const registry = new Registry();
  const provider = createResilientPaymentProvider(steered.provider, { failureThreshold: 3, halfOpenAfterMs: 200, registry, ...options });
  return { ...steered, resilient: provider, registry };
}

describe('a provider that keeps failing', () => {
  it('opens the circuit after consecutive failures, then fails fast without calling it', async () => {
    const { resilient: provider, state } = resilient();
    state.mode = 'fail';
    for (let attempt = 0; attempt < 3; attempt++) expect(await reasonOf(provider.authorize(request, notAborted))).toBe('provider_error');
    expect(provider.circuit()).toBe('open');

    const started = performance.now();
    expect(await reasonOf(provider.authorize(request, notAborted))).toBe('circuit_open');
    expect(await reasonOf(provider.refund({ ...request, providerRef: 'ref-1' }, notAborted))).toBe('circuit_open');
    expect(performance.now() - started).toBeLessThan(50);
    expect(state.calls).toBe(3);
  });

  it('lets one call test it once the break is over: a success closes the circuit', async () => {
    const { resilient: provider, state } = resilient();
    state.mode = 'fail';
    for (let attempt = 0; attempt < 3; attempt++) await reasonOf(provider.authorize(request, notAborted));
    await sleep(250);

    state.mode = 'authorize';
    expect(await provider.authorize(request, notAborted)).toEqual({ outcome: 'authorized', providerRef: 'ref-1' });
    expect(provider.circuit()).toBe('closed');
    expect(state.calls).toBe(4);
  });

  it('opens the circuit again when the test call fails, and calls waiting on the test fail fast with it', async () => {
    const { resilient: provider, state, releaseAll } = resilient();
    state.mode = 'fail';
    for (let attempt = 0; attempt < 3; attempt++) await reasonOf(provider.authorize(request, notAborted));
    await sleep(250);

    state.hold = true;
    const test = reasonOf(provider.authorize(request, notAborted));
    await until(() => state.held.length === 1, 'the test call reaches the provider');
    expect(provider.circuit()).toBe('half_open');
    const waiting = reasonOf(provider.authorize(request, notAborted));
    releaseAll();

    expect(await test).toBe('provider_error');
    expect(await waiting).toBe('circuit_open');
    expect(provider.circuit()).toBe('open');
    expect(state.calls).toBe(4);
  });

  it('keeps the circuit open when the test call is aborted: an abort proves nothing about the provider', async () => {
    const { resilient: provider, state, releaseAll } = resilient();
    state.mode = 'fail';
    for (let attempt = 0; attempt < 3; attempt++) await reasonOf(provider.authorize(request, notAborted));
    await sleep(250);

    state.hold = true;
    const controller = new AbortController();
    const test = provider.authorize(request, controller.signal);
    await until(() => state.held.length === 1, 'the test call reaches the provider');
    controller.abort();
    await expect(test).rejects.toMatchObject({ name: 'AbortError' });
    releaseAll();
    await sleep(10);

    expect(provider.circuit()).toBe('open');
    expect(await reasonOf(provider.authorize(request, notAborted))).toBe('circuit_open');
  });

  it('counts a call that outlives its timeout as a failure', async () => {
    const { resilient: provider, state, releaseAll } = resilient({ callTimeoutMs: 50, failureThreshold: 2 });
    state.hold = true;
    expect(await reasonOf(provider.authorize(request, notAborted))).toBe('timed_out');
    expect(await reasonOf(provider.authorize(request, notAborted))).toBe('timed_out');
    releaseAll();

    expect(provider.circuit()).toBe('open');
  });
});

describe('a provider that answers, even with declines', () => {
  it('keeps the circuit closed: a decline is an answer', async () => {
    const { resilient: provider, state } = resilient();
    state.mode = 'decline';
    for (let attempt = 0; attempt < 10; attempt++) {
      expect(await provider.authorize(request, notAborted)).toEqual({ outcome: 'declined', reason: 'card_declined' });
    }
    expect(provider.circuit()).toBe('closed');
  });
});

describe('many calls at once', () => {
  it('runs at most maxConcurrent at a time and queues the rest', async () => {
    const { resilient: provider, state, releaseAll } = resilient({ maxConcurrent: 3, maxQueued: 20 });
    state.hold = true;
    const calls = Array.from({ length: 10 }, () => provider.authorize(request, notAborted));
    await until(() => state.held.length === 3, 'three calls run');
    await sleep(20);

    expect(state.running).toBe(3);
    expect(provider.status()).toEqual({ circuit: 'closed', inFlight: 3, queued: 7 });
    while (state.calls < 10 || state.held.length > 0) {
      releaseAll();
      await sleep(5);
    }
    await Promise.all(calls);
    expect(state.maxRunning).toBe(3);
    expect(provider.status()).toEqual({ circuit: 'closed', inFlight: 0, queued: 0 });
  });

  it('refuses calls beyond the queue as overloaded, without opening the circuit', async () => {
    const { resilient: provider, state, releaseAll } = resilient({ maxConcurrent: 1, maxQueued: 1 });
    state.hold = true;
    const running = provider.authorize(request, notAborted);
    const queued = provider.authorize(request, notAborted);
    const refused = await Promise.all(Array.from({ length: 5 }, () => reasonOf(provider.authorize(request, notAborted))));

    expect(refused).toEqual(Array(5).fill('overloaded'));
    expect(provider.circuit()).toBe('closed');
    await until(() => state.held.length === 1, 'the first call runs');
    releaseAll();
    await running;
    await until(() => state.held.length === 1, 'the queued call runs');
    releaseAll();
    await queued;
  });

  it('lets a queued call leave as soon as its signal aborts; the provider never sees it', async () => {
    const { resilient: provider, state, releaseAll } = resilient({ maxConcurrent: 1 });
    state.hold = true;
    const running = provider.authorize(request, notAborted);
    const controller = new AbortController();
    const queued = provider.authorize(request, controller.signal);
    await until(() => provider.status().queued === 1, 'the second call waits');

    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    releaseAll();
    await running;
    await sleep(20);
    expect(state.calls).toBe(1);
    expect(provider.circuit()).toBe('closed');
  });
});

describe('what the resilient provider shows', () => {
  it('reports calls by outcome, their duration and the circuit state on /metrics', async () => {
    const { resilient: provider, state, registry } = resilient();
    await provider.authorize(request, notAborted);
    state.mode = 'fail';
    for (let attempt = 0; attempt < 4; attempt++) await reasonOf(provider.authorize(request, notAborted));

    const text = await registry.metrics();
    expect(text).toContain('payment_provider_calls_total{operation="authorize",outcome="authorized"} 1');
    expect(text).toContain('payment_provider_calls_total{operation="authorize",outcome="transient_error"} 3');
    expect(text).toContain('payment_provider_calls_total{operation="authorize",outcome="rejected_by_breaker"} 1');
    expect(text).toContain('payment_provider_circuit_state{state="open"} 1');
    expect(text).toContain('payment_provider_circuit_state{state="closed"} 0');
    expect(text).toContain('payment_provider_call_duration_seconds_count{operation="authorize"} 4');
    expect(text).toContain('payment_provider_calls_in_flight 0');
    expect(text).toContain('payment_provider_calls_queued 0');
  });

  it('shows the circuit in the readiness details, and an open circuit does not fail readiness', async () => {
    const { resilient: provider, state } = resilient();
    const app = await buildApp({
      logger: createLogger({ level: 'silent' }),
      readinessChecks: { eventStore: async () => undefined },
      readinessDetails: { paymentProvider: () => ({ circuit: provider.circuit() }) },
    });
    try {
      const closed = await app.inject('/health/ready');
      expect(closed.statusCode).toBe(200);
      expect(closed.json()).toEqual({ status: 'ok', checks: { eventStore: 'ok' }, details: { paymentProvider: { circuit: 'closed' } } });

      state.mode = 'fail';
      for (let attempt = 0; attempt < 3; attempt++) await reasonOf(provider.authorize(request, notAborted));
      const open = await app.inject('/health/ready');
      expect(open.statusCode).toBe(200);
      expect(open.json()).toEqual({ status: 'ok', checks: { eventStore: 'ok' }, details: { paymentProvider: { circuit: 'open' } } });
    } finally {
      await app.close();
    }
  });

  it('answers as before when there are no details to show', async () => {
    const app = await buildApp({ logger: createLogger({ level: 'silent' }), readinessChecks: { eventStore: async () => undefined }, readinessDetails: {} });
    try {
      expect((await app.inject('/health/ready')).json()).toEqual({ status: 'ok', checks: { eventStore: 'ok' } });
    } finally {
      await app.close();
    }
  });

  it('keeps its details on a 503, and leaves out a detail that fails', async () => {
    const app = await buildApp({
      logger: createLogger({ level: 'silent' }),
      readinessChecks: { database: () => Promise.reject(new Error('down')) },
      readinessDetails: {
        paymentProvider: () => ({ circuit: 'half_open', inFlight: 2 }),
        broken: () => {
          throw new Error('no idea');
        },
      },
    });
    try {
      const answer = await app.inject('/health/ready');
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toEqual({
        status: 'unavailable',
        checks: { database: 'unavailable' },
        details: { paymentProvider: { circuit: 'half_open', inFlight: 2 } },
      });
    } finally {
      await app.close();
    }
  });
});
