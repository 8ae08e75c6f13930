import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentProviderUnavailableError, type PaymentProvider } from '../../../command-services/payments/payment-provider.ts';
import { createPaymentRequestsReaction } from '../../../command-services/payments/payment-requests-reaction.ts';
import { createResilientPaymentProvider } from '../../../command-services/payments/resilient-payment-provider.ts';
import { readGatewayLedger } from '../../../command-services/payments/simulated-gateway-ledger.ts';
import { simulatedGatewayMigrations } from '../../../command-services/payments/simulated-gateway-migrations.ts';
import { createSimulatedGateway } from '../../../command-services/payments/simulated-gateway.ts';
import { deriveEventId } from '../../../command-services/shared/command-context.ts';
import { noCommandMetrics } from '../../../command-services/shared/command-metrics.ts';
import { StreamStateCache } from '../../../command-services/shared/stream-state-cache.ts';
import type { FulfillmentEvent } from '../../../domain/fulfillment/index.ts';
import { fulfillmentStream } from '../../../domain/fulfillment/index.ts';
import { paymentEvent, paymentStream } from '../../../domain/payment/index.ts';
import { createEventStore, type EventStore } from '../../../infra/event-store/index.ts';
import { createLogger } from '../../../infra/logger.ts';
import { migrate } from '../../../infra/postgres/migrations.ts';
import { createPgPool } from '../../../infra/postgres/pool.ts';
import { toProjectedEvent } from '../../../infra/subscriptions/parsed-event.ts';
import type { ProjectedEvent } from '../../../projections/projection.ts';
import { createFreshDatabase, type FreshDatabase } from '../../postgres/fresh-database.ts';
import { testEnvironment } from '../../support/environment.ts';

const logLines: string[] = [];
const logger = createLogger({ level: 'trace', name: 'payments-test', destination: { write: (line: string) => void logLines.push(line) } });
let database: FreshDatabase;
let pool: pg.Pool;
let eventStore: EventStore;
let gateway: PaymentProvider;

beforeAll(async () => {
  database = await createFreshDatabase(testEnvironment().databaseUrl, 'payment_requests');
  pool = createPgPool({ url: database.url, logger: createLogger({ level: 'silent' }) });
  await migrate(pool, simulatedGatewayMigrations, createLogger({ level: 'silent' }));
  eventStore = createEventStore({ url: testEnvironment().esdbUrl, logger: createLogger({ level: 'silent' }) });
  gateway = createSimulatedGateway(pool, { slowMs: 200 });
});
afterAll(async () => {
  await eventStore.close();
  await pool.end();
  await database.drop();
});

const notAborted = new AbortController().signal;

/** The reaction as the launcher wires it: the simulated gateway behind the resilient provider, unless a test swaps the provider. */
const reactionWith = (provider: PaymentProvider = createResilientPaymentProvider(gateway)) =>
  createPaymentRequestsReaction({ eventStore, metrics: noCommandMetrics, streamStates: new StreamStateCache(), provider, logger, retryBaseMs: 10, retryCapMs: 40 });

/** Appends a saga request to `fulfillment-{orderId}` and hands it back as the runner would deliver it. */
async function sagaRequest(event: FulfillmentEvent, metadata: Record<string, unknown> = { correlationId: randomUUID(), causationId: randomUUID() }): Promise<ProjectedEvent> {
  const id = randomUUID();
  const stream = fulfillmentStream(event.data.orderId);
  await eventStore.append(stream, [{ id, type: event.type, data: event.data, metadata }], 'any');
  const read = await eventStore.readStream(stream, (raw) => raw);
  const { decoded: _decoded, ...recorded } = read.events.find((candidate) => candidate.id === id)!;
  return toProjectedEvent(recorded);
}

const paymentRequested = (orderId: string, token: string) =>
  sagaRequest({ type: 'PaymentRequested', data: { orderId, amount: 4200, currency: 'EUR', token } });
const refundRequested = (orderId: string) => sagaRequest({ type: 'RefundRequested', data: { orderId, amount: 4200, currency: 'EUR' } });

async function paymentEvents(orderId: string) {
  const read = await eventStore.readStream(paymentStream(orderId), (raw) => paymentEvent.parse(raw));
  return read.events;
}
const paymentTypes = async (orderId: string) => (await paymentEvents(orderId)).map((event) => event.type);

/** Wraps the gateway to count what reaches it, and optionally to fail before or after it. */
function countingGateway(options: { failFirst?: number; crashAfterCharge?: boolean } = {}) {
  const seen = { authorize: 0, refund: 0 };
  let failures = options.failFirst ?? 0;
  let crash = options.crashAfterCharge ?? false;
  const provider: PaymentProvider = {
    async authorize(request, signal) {
      seen.authorize++;
      if (failures-- > 0) throw new PaymentProviderUnavailableError('provider_error', 'provider down');
      const answer = await gateway.authorize(request, signal);
      if (crash) {
        crash = false;
        throw new Error('the payments process died after the charge');
      }
      return answer;
    },
    async refund(request, signal) {
      seen.refund++;
      if (failures-- > 0) throw new PaymentProviderUnavailableError('provider_error', 'provider down');
      return gateway.refund(request, signal);
    },
  };
  return { provider, seen };
}

describe('a payment request', () => {
  it('with a good card appends PaymentAuthorized to the payment stream, caused by the request, in its flow', async () => {
    const orderId = randomUUID();
    const request = await sagaRequest(
      { type: 'PaymentRequested', data: { orderId, amount: 4200, currency: 'EUR', token: 'tok_ok' } },
      { correlationId: 'flow-1', causationId: 'order-placed', idempotencyKey: 'client-key-1' },
    );
    const reaction = reactionWith();
    expect(reaction.key(request)).toBe(orderId);

    await reaction.handle(request, notAborted);

    const [authorized, ...rest] = await paymentEvents(orderId);
    expect(rest).toEqual([]);
    expect(authorized?.decoded).toEqual({
      type: 'PaymentAuthorized',
      data: { orderId, amount: 4200, currency: 'EUR', providerRef: expect.stringMatching(/^sim_auth_/) },
    });
    expect(authorized?.metadata).toEqual({ correlationId: 'flow-1', causationId: request.id, idempotencyKey: 'client-key-1' });
    expect(authorized?.id).toBe(deriveEventId(request.id, paymentStream(orderId), 0));
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ charges: 1 });
  });

  it('with a declined card appends PaymentDeclined with the provider\'s reason and charges nothing', async () => {
    const orderId = randomUUID();
    await reactionWith().handle(await paymentRequested(orderId, 'tok_decline'), notAborted);

    expect((await paymentEvents(orderId)).map((event) => event.decoded)).toEqual([
      { type: 'PaymentDeclined', data: { orderId, reason: 'card_declined' } },
    ]);
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ charges: 0, declines: 1 });
  });

  it('delivered twice to one process asks the provider once, charges once and appends once', async () => {
    const orderId = randomUUID();
    const request = await paymentRequested(orderId, 'tok_ok');
    const { provider, seen } = countingGateway();
    const reaction = reactionWith(provider);

    await reaction.handle(request, notAborted);
    await reaction.handle(request, notAborted);

    expect(await paymentTypes(orderId)).toEqual(['PaymentAuthorized']);
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ charges: 1 });
    expect(seen.authorize).toBe(1);
  });

  it('delivered again to another process (which never read the payment) charges nothing more and appends nothing', async () => {
    const orderId = randomUUID();
    const request = await paymentRequested(orderId, 'tok_ok');
    await reactionWith().handle(request, notAborted);
    await reactionWith().handle(request, notAborted);
    expect(await paymentTypes(orderId)).toEqual(['PaymentAuthorized']);
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ charges: 1 });
  });

  it('redelivered after a crash between the charge and the append charges nothing more', async () => {
    const orderId = randomUUID();
    const request = await paymentRequested(orderId, 'tok_ok');
    const { provider } = countingGateway({ crashAfterCharge: true });
    const reaction = reactionWith(provider);

    await expect(reaction.handle(request, notAborted)).rejects.toThrow(/died after the charge/);
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ charges: 1 });
    expect(await paymentTypes(orderId)).toEqual([]);

    await reaction.handle(request, notAborted);
    expect(await paymentTypes(orderId)).toEqual(['PaymentAuthorized']);
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ charges: 1 });
  });

  it('waits out a provider that fails transiently (tok_error) and is then authorized', async () => {
    const orderId = randomUUID();
    await reactionWith().handle(await paymentRequested(orderId, 'tok_error'), notAborted);

    expect(await paymentTypes(orderId)).toEqual(['PaymentAuthorized']);
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ charges: 1, unsettled: 0 });
  });

  it('waits behind an open circuit instead of hammering the provider', async () => {
    const orderId = randomUUID();
    const { provider: flaky, seen } = countingGateway({ failFirst: 4 });
    const registry = new Registry();
    const resilient = createResilientPaymentProvider(flaky, { failureThreshold: 2, halfOpenAfterMs: 60, registry });

    await reactionWith(resilient).handle(await paymentRequested(orderId, 'tok_ok'), notAborted);

    expect(await paymentTypes(orderId)).toEqual(['PaymentAuthorized']);
    expect(seen.authorize).toBe(5);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/payment_provider_calls_total\{operation="authorize",outcome="rejected_by_breaker"\} [1-9]/);
    expect(resilient.circuit()).toBe('closed');
  });

  it('stops retrying when its signal aborts, appends nothing, and the failure is transient (not parked)', async () => {
    const orderId = randomUUID();
    const { provider, seen } = countingGateway({ failFirst: Number.MAX_SAFE_INTEGER });
    const reaction = reactionWith(provider);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);

    const failure = await reaction.handle(await paymentRequested(orderId, 'tok_ok'), controller.signal).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toMatchObject({ name: 'AbortError' });
    expect(reaction.isTransient?.(failure)).toBe(true);
    const callsAtAbort = seen.authorize;
    expect(callsAtAbort).toBeGreaterThan(1);
    await sleep(150);
    expect(seen.authorize).toBe(callsAtAbort);
    expect(await paymentTypes(orderId)).toEqual([]);
  });
});

describe('a refund request', () => {
  it('for an authorized payment refunds it at the provider and appends PaymentRefunded, once', async () => {
    const orderId = randomUUID();
    const reaction = reactionWith();
    await reaction.handle(await paymentRequested(orderId, 'tok_ok'), notAborted);
    const refund = await refundRequested(orderId);

    await reaction.handle(refund, notAborted);
    await reaction.handle(refund, notAborted);

    const events = await paymentEvents(orderId);
    expect(events.map((event) => event.decoded)).toEqual([
      expect.objectContaining({ type: 'PaymentAuthorized' }),
      { type: 'PaymentRefunded', data: { orderId, amount: 4200, currency: 'EUR' } },
    ]);
    expect(events[1]?.metadata).toMatchObject({ causationId: refund.id });
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ charges: 1, refunds: 1 });
  });

  it('for a declined payment calls the provider for nothing and appends nothing', async () => {
    const orderId = randomUUID();
    const { provider, seen } = countingGateway();
    const reaction = reactionWith(provider);
    await reaction.handle(await paymentRequested(orderId, 'tok_decline'), notAborted);

    await reaction.handle(await refundRequested(orderId), notAborted);

    expect(seen.refund).toBe(0);
    expect(await paymentTypes(orderId)).toEqual(['PaymentDeclined']);
  });

  it('for an order never charged is a no-op', async () => {
    const orderId = randomUUID();
    const { provider, seen } = countingGateway();

    await reactionWith(provider).handle(await refundRequested(orderId), notAborted);

    expect(seen.refund).toBe(0);
    expect(await paymentTypes(orderId)).toEqual([]);
  });

  it('waits out a provider that fails transiently, then refunds', async () => {
    const orderId = randomUUID();
    await reactionWith().handle(await paymentRequested(orderId, 'tok_ok'), notAborted);
    const { provider, seen } = countingGateway({ failFirst: 2 });

    await reactionWith(provider).handle(await refundRequested(orderId), notAborted);

    expect(seen.refund).toBe(3);
    expect(await paymentTypes(orderId)).toEqual(['PaymentAuthorized', 'PaymentRefunded']);
    expect(await readGatewayLedger(pool, orderId)).toMatchObject({ refunds: 1 });
  });
});

describe('what the payments reaction logs', () => {
  it('never includes a card token', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => /tok_(ok|decline|error)|"token"/.test(line))).toEqual([]);
  });
});
