import { z } from 'zod';
import { sku } from '../shared/identifiers.ts';
import { currency, price } from '../shared/money.ts';
import { productName } from '../shared/text.ts';

// Commands describe input, so unknown keys are refused rather than silently dropped.

export const addProductCommand = z.strictObject({
  type: z.literal('AddProduct'),
  data: z.strictObject({ sku, name: productName, price, currency }),
});

export const changeProductPriceCommand = z.strictObject({
  type: z.literal('ChangeProductPrice'),
  data: z.strictObject({ sku, price }),
});

export const productCommand = z.discriminatedUnion('type', [addProductCommand, changeProductPriceCommand]);

export type AddProduct = z.infer<typeof addProductCommand>;
export type ChangeProductPrice = z.infer<typeof changeProductPriceCommand>;
export type ProductCommand = z.infer<typeof productCommand>;
