import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../infra/event-store/index.ts';
import { parseOnce } from '../../infra/subscriptions/parsed-event.ts';

const recorded = (data: unknown): RecordedEvent => ({
  id: 'e1',
  type: 'ProductAdded',
  data,
  metadata: { correlationId: 'c1' },
  streamName: 'product-MUG',
  revision: 0n,
  position: 42n,
  createdAt: new Date(0),
});

describe('an event handed to every group of the process', () => {
  it('is parsed once: each group gets the same parsed event, frozen so none can change it for the others', () => {
    const event = recorded({ sku: 'MUG', name: 'Mug', price: 1200, currency: 'EUR' });
    const first = parseOnce(event);
    expect(parseOnce(event)).toBe(first);
    expect(first.event).toEqual({ type: 'ProductAdded', data: { sku: 'MUG', name: 'Mug', price: 1200, currency: 'EUR' } });
    expect(Object.isFrozen(first) && Object.isFrozen(first.event) && Object.isFrozen(first.event.data)).toBe(true);
    expect(() => ((first.event.data as { price: number }).price = 1)).toThrow(TypeError);
  });

  it('that does not parse fails every group alike (each parks it)', () => {
    const event = recorded({ sku: '', price: -1 });
    const failure = (() => {
      try {
        parseOnce(event);
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(Error);
    expect(() => parseOnce(event)).toThrow(failure as Error);
  });
});
