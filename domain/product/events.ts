import { z } from 'zod';
import { sku } from '../shared/identifiers.ts';
import { currency, price } from '../shared/money.ts';
import { productName } from '../shared/text.ts';

// Stream `product-{sku}`, written by the catalog. Stored events are read back for ever:
// a field is never renamed or narrowed (a breaking change is a new event type), and unknown
// keys are dropped rather than refused, so an older reader survives a newer optional field.

export const productAddedEvent = z.object({
  type: z.literal('ProductAdded'),
  data: z.object({ sku, name: productName, price, currency }),
});

/** The currency is fixed when the product is added; only the amount changes. */
export const productPriceChangedEvent = z.object({
  type: z.literal('ProductPriceChanged'),
  data: z.object({ sku, price }),
});

export const productEvent = z.discriminatedUnion('type', [productAddedEvent, productPriceChangedEvent]);

export type ProductAdded = z.infer<typeof productAddedEvent>;
export type ProductPriceChanged = z.infer<typeof productPriceChangedEvent>;
export type ProductEvent = z.infer<typeof productEvent>;
