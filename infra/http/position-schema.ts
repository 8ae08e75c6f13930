import { z } from 'zod';

/** A `$all` commit position on the wire: a uint64 as a decimal string (JSON numbers lose precision). */
export const wirePosition = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/)
  .describe('`$all` position of the last event appended, a uint64 decimal string; echo it in ES-Min-Position');
