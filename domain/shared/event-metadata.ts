import { z } from 'zod';

/**
 * What every stored event carries beside its data, so one flow can be traced across
 * services and logs. Kept apart from `data`: it describes the delivery, not the fact.
 */
export const eventMetadata = z.object({
  /** The HTTP request, or the first command of the flow; shared by every event it leads to. */
  correlationId: z.string().min(1).max(255),
  /** The command or event that directly caused this one. */
  causationId: z.string().min(1).max(255),
  /** The client's Idempotency-Key (1–255 visible ASCII characters), when the flow began with one. */
  idempotencyKey: z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters')
    .optional(),
});

export type EventMetadata = z.infer<typeof eventMetadata>;
