import type { Decider } from '../shared/decider.ts';
import type { ProductCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { ProductEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { initialState, type ProductState } from './state.ts';

/** The catalog: one product per sku, with its name and its price in one currency. */
export const productDecider: Decider<ProductCommand, ProductEvent, ProductState> = { initialState, evolve, decide };

export const productCategory = 'product';
export const productStream = (sku: string): string => `${productCategory}-${sku}`;

export {
  addProductCommand,
  changeProductPriceCommand,
  productCommand,
  type AddProduct,
  type ChangeProductPrice,
  type ProductCommand,
} from './commands.ts';
export { productErrorCodes, type ProductErrorCode } from './errors.ts';
export {
  productAddedEvent,
  productEvent,
  productPriceChangedEvent,
  type ProductAdded,
  type ProductEvent,
  type ProductPriceChanged,
} from './events.ts';
export type { ProductState } from './state.ts';
