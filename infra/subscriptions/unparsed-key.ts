import type { UnparsedEvent } from './projection-contract.ts';

/**
 * The key of an event that does not parse, the way its projection would key it once it does: the raw
 * `field` of its data when that is a non-empty string, else the id of its stream when the stream is of a
 * category named by that same key (`order-<orderId>`, `product-<sku>`…). Undefined when neither says:
 * the runner then parks it under its stream name.
 */
export function unparsedKeyFrom(field: string, categories: readonly string[]): (raw: UnparsedEvent) => string | undefined {
  return ({ streamName, data }) => {
    const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[field] : undefined;
    if (typeof value === 'string' && value !== '') return value;
    const dash = streamName.indexOf('-');
    if (dash <= 0 || !categories.includes(streamName.slice(0, dash))) return undefined;
    return streamName.slice(dash + 1) || undefined;
  };
}
