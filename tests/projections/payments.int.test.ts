import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentsProjection } from '../../projections/payments/payments-projection.ts';
import { getPayment, listPayments } from '../../projections/payments/queries.ts';
import { InvalidCursorError } from '../../projections/shared/page.ts';
import { projected, startHarness, type ProjectionHarness } from './projection-harness.ts';

let harness: ProjectionHarness;
beforeAll(async () => {
  harness = await startHarness(paymentsProjection);
});
afterAll(async () => harness?.close());

const authorized = (orderId: string) =>
  projected({ type: 'PaymentAuthorized', data: { orderId, amount: 4200, currency: 'EUR', providerRef: 'ref_secret_1' } });

describe('an authorized payment', () => {
  const orderId = randomUUID();

  it('shows the amount held, never the provider reference', async () => {
    const event = authorized(orderId);
    await harness.apply(event, event);
    const payment = await getPayment(harness.pool, orderId);
    expect(payment).toEqual({ orderId, status: 'authorized', amount: 4200, currency: 'EUR', position: event.position.toString() });
    expect(JSON.stringify(payment)).not.toContain('ref_secret_1');
  });

  it('becomes refunded, and an older event arriving late does not undo it', async () => {
    const refund = projected({ type: 'PaymentRefunded', data: { orderId, amount: 4200, currency: 'EUR' } });
    const lateAuthorization = projected(authorized(orderId).event, { position: refund.position - 1n });
    await harness.apply(refund, refund, lateAuthorization);
    expect(await getPayment(harness.pool, orderId)).toMatchObject({ status: 'refunded', amount: 4200, position: refund.position.toString() });
  });
});

describe('a declined payment', () => {
  it('has no amount', async () => {
    const orderId = randomUUID();
    await harness.apply(projected({ type: 'PaymentDeclined', data: { orderId, reason: 'card_declined' } }));
    expect(await getPayment(harness.pool, orderId)).toMatchObject({ status: 'declined', amount: null, currency: null });
  });
});

describe('looking payments up', () => {
  it('finds nothing for an unknown or malformed order id', async () => {
    expect(await getPayment(harness.pool, randomUUID())).toBeUndefined();
    expect(await getPayment(harness.pool, 'not-a-uuid')).toBeUndefined();
  });

  it('pages through every payment once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listPayments(harness.pool, { limit: 1, cursor });
      seen.push(...page.items.map((item) => item.orderId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(2);
    expect([...seen].sort()).toEqual(seen);
    await expect(listPayments(harness.pool, { cursor: 'junk' })).rejects.toThrow(InvalidCursorError);
  });
});
