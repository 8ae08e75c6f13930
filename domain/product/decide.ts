import type { AddProduct, ChangeProductPrice, ProductCommand } from './commands.ts';
import { productAlreadyExists, productNotFound } from './errors.ts';
import type { ProductEvent } from './events.ts';
import type { ProductState } from './state.ts';

/** A sku names one product for good: adding it twice is a conflict, not an update. */
function addProduct(command: AddProduct, state: ProductState): ProductEvent[] {
  const { sku, name, price, currency } = command.data;
  if (state.status !== 'empty') throw productAlreadyExists(sku);
  return [{ type: 'ProductAdded', data: { sku, name, price, currency } }];
}

/** Only a listed product has a price to change; setting the same price again records nothing. */
function changeProductPrice(command: ChangeProductPrice, state: ProductState): ProductEvent[] {
  const { sku, price } = command.data;
  if (state.status !== 'listed') throw productNotFound(sku);
  if (state.price === price) return [];
  return [{ type: 'ProductPriceChanged', data: { sku, price } }];
}

export function decide(command: ProductCommand, state: ProductState): ProductEvent[] {
  switch (command.type) {
    case 'AddProduct':
      return addProduct(command, state);
    case 'ChangeProductPrice':
      return changeProductPrice(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown product command ${JSON.stringify(_exhaustive)}`);
    }
  }
}
