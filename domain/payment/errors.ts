// Payments refuse nothing: the provider has already answered when a command arrives, and
// a repeated or stale answer is a no-op, because answers arrive as reactions that may be
// redelivered. The list stays so that every aggregate has the same shape and the edge's
// table of codes stays complete.
export const paymentErrorCodes = [] as const;
export type PaymentErrorCode = (typeof paymentErrorCodes)[number];
