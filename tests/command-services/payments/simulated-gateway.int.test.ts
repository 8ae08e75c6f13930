import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentProviderUnavailableError, type AuthorizationRequest, type PaymentProvider } from '../../../command-services/payments/payment-provider.ts';
import { readGatewayLedger } from '../../../command-services/payments/simulated-gateway-ledger.ts';
import { simulatedGatewayMigrations } from '../../../command-services/payments/simulated-gateway-migrations.ts';
import { createSimulatedGateway } from '../../../command-services/payments/simulated-gateway.ts';
import { createLogger } from '../../../infra/logger.ts';
import { migrate } from '../../../infra/postgres/migrations.ts';
import { createPgPool } from '../../../infra/postgres/pool.ts';
import { createFreshDatabase, type FreshDatabase } from '../../postgres/fresh-database.ts';
import { testEnvironment } from '../../support/environment.ts';

const slowMs = 300;
const logger = createLogger({ level: 'silent' });
let database: FreshDatabase;
let pool: pg.Pool;
let gateway: PaymentProvider;

beforeAll(async () => {
  database = await createFreshDatabase(testEnvironment().databaseUrl, 'simulated_gateway');
  pool = createPgPool({ url: database.url, logger, max: 30 });
  await migrate(pool, simulatedGatewayMigrations, logger);
  gateway = createSimulatedGateway(pool, { slowMs, transientFailures: 2 });
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const notAborted = new AbortController().signal;
const authorization = (token: string, overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  idempotencyKey: randomUUID(),
  orderId: randomUUID(),
  amount: 1250,
  currency: 'EUR',
  token,
  ...overrides,
});
const attemptsOf = async (orderId: string) =>
  (await pool.query<{ attempts: number }>('SELECT attempts FROM simulated_gateway_operations WHERE order_id = $1', [orderId])).rows.map((row) => row.attempts);

describe('the simulated gateway asked to authorize a payment', () => {
  it('authorizes tok_ok and records one charge', async () => {
    const request = authorization('tok_ok');
    const answer = await gateway.authorize(request, notAborted);

    expect(answer).toEqual({ outcome: 'authorized', providerRef: expect.stringMatching(/^sim_auth_/) });
    expect(await readGatewayLedger(pool, request.orderId)).toMatchObject({ charges: 1, declines: 0 });
  });

  it('declines tok_decline as card_declined and charges nothing', async () => {
    const request = authorization('tok_decline');

    expect(await gateway.authorize(request, notAborted)).toEqual({ outcome: 'declined', reason: 'card_declined' });
    expect(await readGatewayLedger(pool, request.orderId)).toMatchObject({ charges: 0, declines: 1 });
  });

  it('declines any other token as invalid_token', async () => {
    const request = authorization('tok_unknown');

    expect(await gateway.authorize(request, notAborted)).toEqual({ outcome: 'declined', reason: 'invalid_token' });
    expect(await readGatewayLedger(pool, request.orderId)).toMatchObject({ charges: 0, declines: 1 });
  });

  it('authorizes tok_slow only after the slow delay', async () => {
    const started = performance.now();
    const answer = await gateway.authorize(authorization('tok_slow'), notAborted);

    expect(answer.outcome).toBe('authorized');
    expect(performance.now() - started).toBeGreaterThanOrEqual(slowMs - 5);
  });

  it('records nothing when tok_slow is aborted while it waits, and authorizes the same key later', async () => {
    const request = authorization('tok_slow');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    await expect(gateway.authorize(request, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readGatewayLedger(pool, request.orderId)).toEqual({ charges: 0, declines: 0, refunds: 0, refusedRefunds: 0, unsettled: 0 });

    expect((await gateway.authorize(request, notAborted)).outcome).toBe('authorized');
    expect(await readGatewayLedger(pool, request.orderId)).toMatchObject({ charges: 1 });
  });

  it('fails tok_error transiently twice for a key, then authorizes it on the third attempt', async () => {
    const request = authorization('tok_error');

    for (let attempt = 1; attempt <= 2; attempt++) {
      await expect(gateway.authorize(request, notAborted)).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
      expect(await readGatewayLedger(pool, request.orderId)).toMatchObject({ charges: 0, unsettled: 1 });
    }
    expect((await gateway.authorize(request, notAborted)).outcome).toBe('authorized');
    expect(await readGatewayLedger(pool, request.orderId)).toMatchObject({ charges: 1, unsettled: 0 });
    expect(await attemptsOf(request.orderId)).toEqual([3]);
  });

  it('counts tok_error failures per key: another key of the same order fails twice again', async () => {
    const first = authorization('tok_error');
    const second = { ...first, idempotencyKey: randomUUID() };
    await expect(gateway.authorize(first, notAborted)).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
    await expect(gateway.authorize(second, notAborted)).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
    await expect(gateway.authorize(second, notAborted)).rejects.toBeInstanceOf(PaymentProviderUnavailableError);

    expect((await gateway.authorize(second, notAborted)).outcome).toBe('authorized');
    await expect(gateway.authorize(first, notAborted)).rejects.toBeInstanceOf(PaymentProviderUnavailableError);
  });

  it('answers the same key again with the recorded outcome and charges only once', async () => {
    const request = authorization('tok_ok');
    const first = await gateway.authorize(request, notAborted);
    const again = await gateway.authorize(request, notAborted);

    expect(again).toEqual(first);
    expect(await readGatewayLedger(pool, request.orderId)).toMatchObject({ charges: 1 });
    expect(await attemptsOf(request.orderId)).toEqual([1]);
  });

  it('charges once for many concurrent calls with one key, and all of them get the same answer', async () => {
    for (const token of ['tok_ok', 'tok_error']) {
      const request = authorization(token);
      const answers = await Promise.allSettled(Array.from({ length: 20 }, () => gateway.authorize(request, notAborted)));
      const authorized = answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));

      expect(authorized.length, token).toBeGreaterThan(0);
      expect(new Set(authorized.map((answer) => JSON.stringify(answer))).size, token).toBe(1);
      expect(await readGatewayLedger(pool, request.orderId), token).toMatchObject({ charges: 1, unsettled: 0 });
    }
  });

  it('keeps a long idempotency key (hashed) and refuses a key reused for another request', async () => {
    const request = authorization('tok_ok', { idempotencyKey: 'k'.repeat(5_000) + randomUUID() });
    expect((await gateway.authorize(request, notAborted)).outcome).toBe('authorized');

    await expect(gateway.authorize({ ...request, amount: 999 }, notAborted)).rejects.toThrow(/idempotency key reused/);
    expect(await readGatewayLedger(pool, request.orderId)).toMatchObject({ charges: 1 });
  });
});

describe('the simulated gateway asked to refund an authorization', () => {
  const authorized = async () => {
    const request = authorization('tok_ok');
    const answer = await gateway.authorize(request, notAborted);
    if (answer.outcome !== 'authorized') throw new Error('expected an authorization');
    return { orderId: request.orderId, amount: request.amount, currency: request.currency, providerRef: answer.providerRef };
  };

  it('refunds it once; the same key again refunds nothing more', async () => {
    const held = await authorized();
    const request = { ...held, idempotencyKey: randomUUID() };

    expect(await gateway.refund(request, notAborted)).toEqual({ outcome: 'refunded' });
    expect(await gateway.refund(request, notAborted)).toEqual({ outcome: 'refunded' });
    expect(await readGatewayLedger(pool, held.orderId)).toMatchObject({ charges: 1, refunds: 1 });
  });

  it('gives one authorization back once, even to concurrent refunds under different keys', async () => {
    const held = await authorized();
    const answers = await Promise.all(Array.from({ length: 10 }, () => gateway.refund({ ...held, idempotencyKey: randomUUID() }, notAborted)));

    expect(answers.every((answer) => answer.outcome === 'refunded')).toBe(true);
    expect(await readGatewayLedger(pool, held.orderId)).toMatchObject({ charges: 1, refunds: 1 });
  });

  it('refuses an authorization it does not know, or more than it holds', async () => {
    const held = await authorized();

    expect(await gateway.refund({ ...held, idempotencyKey: randomUUID(), providerRef: 'sim_auth_unknown' }, notAborted)).toEqual({
      outcome: 'refused',
      reason: 'unknown_authorization',
    });
    expect(await gateway.refund({ ...held, idempotencyKey: randomUUID(), amount: held.amount + 1 }, notAborted)).toEqual({
      outcome: 'refused',
      reason: 'amount_exceeds_authorization',
    });
    expect(await readGatewayLedger(pool, held.orderId)).toMatchObject({ refunds: 0, refusedRefunds: 2 });
  });
});
