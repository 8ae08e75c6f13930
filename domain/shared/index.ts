// The shared vocabulary of the domain: the decider shape, domain errors, event metadata and
// the input bounds every command and request schema is built from (DESIGN §6).
export type { Decider } from './decider.ts';
export { DomainError } from './domain-error.ts';
export { eventMetadata, type EventMetadata } from './event-metadata.ts';
export { customerId, MAX_CUSTOMER_ID_LENGTH, MAX_SKU_LENGTH, orderId, paymentToken, providerRef, sku } from './identifiers.ts';
export { amount, currency, MAX_PRICE, price, type Currency } from './money.ts';
export { MAX_ORDER_LINES, orderLines } from './order-lines.ts';
export { MAX_QUANTITY, quantity, stockLevel } from './quantity.ts';
export {
  cancellationReason,
  reasonCode,
  rejectionReason,
  type CancellationReason,
  type ReasonCode,
  type RejectionReason,
} from './reasons.ts';
export { MAX_NOTE_LENGTH, MAX_PRODUCT_NAME_LENGTH, note, plainText, productName } from './text.ts';
