import { describe, expect, it } from 'vitest';
import { customerId, note, productName } from '../../../domain/shared/index.ts';

const accepts = (schema: { safeParse: (value: unknown) => { success: boolean } }, value: unknown) =>
  schema.safeParse(value).success;

// Every control character DESIGN §6 refuses, at both ends of both ranges, plus the usual suspects.
const controlCharacters = ['\u0000', '\u0001', '\t', '\n', '\r', '\u001b', '\u001f', '\u007f', '\u0085', '\u009f'];

describe('a product name', () => {
  it('is 1 to 200 characters', () => {
    expect(accepts(productName, 'M')).toBe(true);
    expect(accepts(productName, 'M'.repeat(200))).toBe(true);
    expect(accepts(productName, '')).toBe(false);
    expect(accepts(productName, 'M'.repeat(201))).toBe(false);
  });

  it('accepts any printable text: accents, non-breaking spaces, emoji', () => {
    expect(accepts(productName, 'Tasse à café\u00a0— 350 ml ☕️')).toBe(true);
  });

  it.each(controlCharacters)('refuses the control character %j anywhere in it', (character) => {
    expect(accepts(productName, `Mug${character}`)).toBe(false);
    expect(accepts(productName, `${character}Mug`)).toBe(false);
  });

  it('refuses a lone surrogate, which PostgreSQL would refuse later', () => {
    expect(accepts(productName, 'Mug \ud800')).toBe(false);
    expect(accepts(productName, 'Mug \udc00!')).toBe(false);
  });
});

describe('a note beside a reason code', () => {
  it('is 0 to 500 characters', () => {
    expect(accepts(note, '')).toBe(true);
    expect(accepts(note, 'x'.repeat(500))).toBe(true);
    expect(accepts(note, 'x'.repeat(501))).toBe(false);
  });

  it.each(controlCharacters)('refuses the control character %j', (character) => {
    expect(accepts(note, `Wrong size${character}`)).toBe(false);
  });
});

describe('a customer id', () => {
  it('is 1 to 100 characters', () => {
    expect(accepts(customerId, 'c')).toBe(true);
    expect(accepts(customerId, 'c'.repeat(100))).toBe(true);
    expect(accepts(customerId, '')).toBe(false);
    expect(accepts(customerId, 'c'.repeat(101))).toBe(false);
  });

  it.each(controlCharacters)('refuses the control character %j', (character) => {
    expect(accepts(customerId, `customer${character}42`)).toBe(false);
  });

  it('is text, not a number', () => {
    expect(accepts(customerId, 42)).toBe(false);
  });
});
