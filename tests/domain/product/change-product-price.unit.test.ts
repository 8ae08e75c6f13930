import { describe, it } from 'vitest';
import { productDecider, type ChangeProductPrice, type ProductEvent } from '../../../domain/product/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';

const spec = deciderSpec(productDecider);

const mugAdded: ProductEvent = {
  type: 'ProductAdded',
  data: { sku: 'MUG-001', name: 'Stoneware mug, 350 ml', price: 1299, currency: 'EUR' },
};
const changePrice = (price: number): ChangeProductPrice => ({
  type: 'ChangeProductPrice',
  data: { sku: 'MUG-001', price },
});
const priceChanged = (price: number): ProductEvent => ({
  type: 'ProductPriceChanged',
  data: { sku: 'MUG-001', price },
});

describe('a product that exists at 12.99 EUR', () => {
  it('takes a new price', () => {
    spec.given([mugAdded]).when(changePrice(1499)).then([priceChanged(1499)]);
  });

  it('records nothing when set to the price it already has', () => {
    spec.given([mugAdded]).when(changePrice(1299)).thenNothing();
  });
});

describe('a product whose price went from 12.99 to 14.99 EUR', () => {
  it('records nothing when set to 14.99 again', () => {
    spec.given([mugAdded, priceChanged(1499)]).when(changePrice(1499)).thenNothing();
  });

  it('can go back to 12.99', () => {
    spec.given([mugAdded, priceChanged(1499)]).when(changePrice(1299)).then([priceChanged(1299)]);
  });
});

describe('a sku not in the catalog', () => {
  it('has no price to change', () => {
    spec.given([]).when(changePrice(1499)).thenThrows('product_not_found');
  });
});
