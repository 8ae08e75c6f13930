import { describe, expect, it } from 'vitest';
import { amount, currency, MAX_PRICE, MAX_QUANTITY, price, quantity } from '../../../domain/shared/index.ts';

describe('a price in minor units', () => {
  it.each([1, 1299, MAX_PRICE])('accepts %j', (value) => {
    expect(price.safeParse(value).success).toBe(true);
  });

  it.each([0, -1, MAX_PRICE + 1, 12.99, Number.NaN, Number.POSITIVE_INFINITY, '1299', null])('refuses %j', (value) => {
    expect(price.safeParse(value).success).toBe(false);
  });
});

describe('a quantity', () => {
  it.each([1, MAX_QUANTITY])('accepts %j', (value) => {
    expect(quantity.safeParse(value).success).toBe(true);
  });

  it.each([0, -1, MAX_QUANTITY + 1, 2.5, '3'])('refuses %j', (value) => {
    expect(quantity.safeParse(value).success).toBe(false);
  });
});

describe('an amount (a total, an authorization)', () => {
  it('is an integer from 1 up to the largest one counted exactly', () => {
    expect(amount.safeParse(1).success).toBe(true);
    expect(amount.safeParse(Number.MAX_SAFE_INTEGER).success).toBe(true);
    expect(amount.safeParse(0).success).toBe(false);
    expect(amount.safeParse(Number.MAX_SAFE_INTEGER + 1).success).toBe(false);
    expect(amount.safeParse(32.48).success).toBe(false);
  });
});

describe('a currency', () => {
  it.each(['EUR', 'USD', 'JPY'])('accepts the ISO 4217 code %j', (value) => {
    expect(currency.safeParse(value).success).toBe(true);
  });

  it.each(['', 'eur', 'Eur', 'EU', 'EURO', 'E1R', '€'])('refuses %j', (value) => {
    expect(currency.safeParse(value).success).toBe(false);
  });
});
