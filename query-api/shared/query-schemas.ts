import { z } from 'zod';
import { plainText } from '../../domain/shared/index.ts';
import { parsePosition } from '../../infra/event-store/index.ts';
import { errorEnvelope } from '../../infra/http/error-envelope.ts';
import { MAX_PAGE_SIZE } from '../../projections/index.ts';

/** A position a reader waits for: a uint64 decimal string (above 2^64−1 is as malformed as "abc"). */
export const minPosition = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,19})$/, { message: 'must be a uint64 decimal string', abort: true })
  .refine((text) => parsePosition(text) !== undefined, 'must be at most 18446744073709551615')
  .describe('Wait until this read model has considered `$all` up to this position (read-your-writes); beyond the event store head it is 400');

/** Every GET of a read model accepts ES-Min-Position; other headers pass untouched. */
export const readModelHeaders = z.object({ 'es-min-position': minPosition.optional() });

/** Query of a single-resource GET: only minPosition. Unknown parameters are refused (400). */
export const singleQuery = z.strictObject({ minPosition: minPosition.optional() });

/** Query of a list GET: keyset pagination (DESIGN §6) and minPosition. */
export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe(`Items per page, 1–${MAX_PAGE_SIZE} (default 20)`),
  // Cursors reach SQL as parameters: a NUL there is a PostgreSQL error (22021), so refuse it here.
  cursor: plainText(1, 200).optional().describe('`nextCursor` of the previous page'),
  minPosition: minPosition.optional(),
});

/** A page of a list answer. */
export const pageOf = <Item extends z.ZodType>(item: Item) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Positions leave the read side as decimal strings. */
export const position = z.string().describe('`$all` position of the last event applied to this row');

/** The error answers every read-model GET documents besides its success. */
export const queryErrorResponses = { 400: errorEnvelope, 404: errorEnvelope, 503: errorEnvelope, 504: errorEnvelope } as const;
