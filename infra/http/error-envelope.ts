import { z } from 'zod';

/**
 * The body of every error answer (DESIGN §6): `error` a short code a program can switch on,
 * `message` for people, `details` naming each invalid field for validation errors.
 */
export const errorEnvelope = z
  .object({
    error: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });

export type ErrorEnvelope = z.infer<typeof errorEnvelope>;

/** The error answers a command route documents besides its success. */
export const commandErrorResponses = {
  400: errorEnvelope,
  404: errorEnvelope,
  409: errorEnvelope,
  413: errorEnvelope,
  415: errorEnvelope,
  422: errorEnvelope,
  503: errorEnvelope,
} as const;
