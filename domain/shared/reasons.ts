import { z } from 'zod';

// Why an order ended other than confirmed: a code a program can act on (the read model,
// a client's UI); free words, when there are any, travel beside it as a `note`.

/** Why the fulfillment saga turned an order down. */
export const rejectionReason = z.enum(['out_of_stock', 'payment_declined', 'timed_out']);

/** Why an order was cancelled. */
export const cancellationReason = z.enum(['cancelled_by_customer']);

/** Every reason code an order can end with. */
export const reasonCode = z.enum([...rejectionReason.options, ...cancellationReason.options]);

export type RejectionReason = z.infer<typeof rejectionReason>;
export type CancellationReason = z.infer<typeof cancellationReason>;
export type ReasonCode = z.infer<typeof reasonCode>;
