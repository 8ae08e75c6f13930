import { z } from 'zod';
import { parsePosition } from '../../infra/event-store/index.ts';

/** A `$all` position as runners write it in NOTIFY payloads: uint64 decimal text, read as a bigint. */
export const positionText = z
  .string()
  .transform((text, context) => parsePosition(text) ?? (context.addIssue({ code: 'custom', message: 'not a uint64 position' }), z.NEVER));

/**
 * The payload of a NOTIFY as `schema` says, or undefined for anything else: any session of the database
 * may NOTIFY on a channel, so a payload is input like any other, never trusted to parse.
 */
export function parseNotifyPayload<Schema extends z.ZodType>(schema: Schema, payload: string): z.infer<Schema> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
