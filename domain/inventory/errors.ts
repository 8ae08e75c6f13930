// The inventory refuses nothing. A reservation it cannot make is a fact
// (StockReservationRejected) the saga reacts to, and a repeated or out-of-place request is a
// no-op, because requests arrive as reactions that may be redelivered. The list stays so that
// every aggregate has the same shape and the edge's table of codes stays complete.
export const inventoryErrorCodes = [] as const;
export type InventoryErrorCode = (typeof inventoryErrorCodes)[number];
