import { z } from 'zod';

// Control characters (U+0000–U+001F, U+007F–U+009F) and lone surrogates are refused at the
// door: PostgreSQL text and jsonb reject some of them, so an event accepted today would park
// a projection tomorrow; the rest only ever smuggle terminal escapes into logs.
const controlOrLoneSurrogate = /[\p{Cc}\p{Cs}]/u;

/** Free text of `min` to `max` UTF-16 units (JavaScript's `length`), printable only. */
export const plainText = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((text) => !controlOrLoneSurrogate.test(text), 'must not contain control characters');

export const MAX_PRODUCT_NAME_LENGTH = 200;
export const MAX_NOTE_LENGTH = 500;

/** A product's display name. */
export const productName = plainText(1, MAX_PRODUCT_NAME_LENGTH);

/** Free words that may accompany a reason code, e.g. why a customer cancels. May be empty. */
export const note = plainText(0, MAX_NOTE_LENGTH);
