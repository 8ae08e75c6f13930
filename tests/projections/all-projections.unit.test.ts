import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../domain/events.ts';
import { allProjections, projectionMigrations } from '../../projections/index.ts';
import { projected } from './projection-harness.ts';
import { storedExamples } from './stored-events.ts';

/** The stream an event of this type is written to, when that stream is named by `key` (else undefined). */
function streamOf(type: StoredEvent['type'], key: string): string | undefined {
  if (type.startsWith('Product')) return `product-${key}`;
  if (['StockReceived', 'StockReserved', 'StockReleased', 'StockCommitted', 'StockReservationRejected'].includes(type)) return undefined;
  if (type.startsWith('Order')) return type === 'OrderConfirmationRequested' || type === 'OrderRejectionRequested' || type === 'OrderCancellationApproved' ? `fulfillment-${key}` : `order-${key}`;
  if (['PaymentAuthorized', 'PaymentDeclined', 'PaymentRefunded'].includes(type)) return `payment-${key}`;
  return `fulfillment-${key}`;
}

describe('the set of projections', () => {
  it('has unique names and migration ids prefixed with their projection', () => {
    expect(new Set(allProjections.map((p) => p.name)).size).toBe(allProjections.length);
    expect(new Set(projectionMigrations.map((m) => m.id)).size).toBe(projectionMigrations.length);
    for (const projection of allProjections) {
      for (const migration of projection.migrations) expect(migration.id.startsWith(`${projection.name}_`)).toBe(true);
    }
  });

  it('gives every event that names an order to the orders read model', () => {
    const orders = allProjections.find((p) => p.name === 'orders');
    const aboutAnOrder = storedExamples.filter((event) => 'orderId' in event.data).map((event) => event.type);
    expect([...(orders?.handles ?? [])].sort()).toEqual(aboutAnOrder.sort());
  });
});

describe.each(allProjections.map((p) => [p.name, p] as const))('the %s projection', (_name, projection) => {
  const handled = storedExamples.filter((event) => projection.handles.includes(event.type));

  it('handles at least one stored event type', () => {
    expect(handled.length).toBeGreaterThan(0);
  });

  it.each(handled.map((event) => [event.type, event] as const))('keys, writes and announces %s', (_type, event) => {
    const delivered = projected(event);
    const { statements, changes } = projection.apply(delivered);
    expect(projection.key(delivered)).not.toBe('');
    expect(statements.length).toBeGreaterThan(0);
    expect(changes).toEqual([expect.objectContaining({ key: projection.key(delivered) })]);
    // The corpus pays with `tok_ok` and is authorized as some provider reference: neither may
    // reach a read model.
    const written = JSON.stringify(statements.map((s) => s.values));
    expect(written).not.toContain('"tok_');
    if (event.type === 'PaymentAuthorized') expect(written).not.toContain(event.data.providerRef);
  });

  it.each(handled.map((event) => [event.type, event] as const))(
    'keys %s it cannot parse as it would once it parses (so it holds up its own key)',
    (_type, event) => {
      const key = projection.key(projected(event));
      // Its data mangled but still naming the key, in a stream that says nothing.
      expect(projection.unparsedKey?.({ streamName: 'elsewhere-1', data: { ...event.data, total: 'x', price: 'x' } })).toBe(key);
      // Its data unreadable, in its own stream when that stream is named by the key.
      const stream = streamOf(event.type, key);
      if (stream !== undefined) expect(projection.unparsedKey?.({ streamName: stream, data: 'not an object' })).toBe(key);
    },
  );

  it('is pure: the same event gives the same SQL', () => {
    for (const event of handled) {
      const delivered = projected(event);
      expect(projection.apply(delivered)).toEqual(projection.apply(delivered));
    }
  });
});
