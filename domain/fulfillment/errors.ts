// The saga refuses nothing: every fact it receives either moves the order on or is a no-op
// (a repeat, or news that no longer matters). The list stays so that every decider has the
// same shape and the edge's table of codes stays complete.
export const fulfillmentErrorCodes = [] as const;
export type FulfillmentErrorCode = (typeof fulfillmentErrorCodes)[number];
