import { describe, it } from 'vitest';
import { productDecider, type AddProduct, type ProductEvent } from '../../../domain/product/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';

const spec = deciderSpec(productDecider);

const addMug: AddProduct = {
  type: 'AddProduct',
  data: { sku: 'MUG-001', name: 'Stoneware mug, 350 ml', price: 1299, currency: 'EUR' },
};
const mugAdded: ProductEvent = {
  type: 'ProductAdded',
  data: { sku: 'MUG-001', name: 'Stoneware mug, 350 ml', price: 1299, currency: 'EUR' },
};

describe('a sku not yet in the catalog', () => {
  it('is added with its name and its price in one currency', () => {
    spec.given([]).when(addMug).then([mugAdded]);
  });
});

describe('a product that exists', () => {
  it('cannot be added again', () => {
    spec.given([mugAdded]).when(addMug).thenThrows('product_already_exists');
  });

  it('cannot be added again under another name or price either: adding is not updating', () => {
    spec
      .given([mugAdded])
      .when({ type: 'AddProduct', data: { ...addMug.data, name: 'Mug', price: 999 } })
      .thenThrows('product_already_exists');
  });
});

describe('a product whose price has changed', () => {
  it('still cannot be added again', () => {
    spec
      .given([mugAdded, { type: 'ProductPriceChanged', data: { sku: 'MUG-001', price: 1499 } }])
      .when(addMug)
      .thenThrows('product_already_exists');
  });
});
