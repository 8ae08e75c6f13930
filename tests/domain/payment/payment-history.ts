import type { PaymentCommand, PaymentEvent } from '../../../domain/payment/index.ts';

// Builders for one order's payment facts and commands, so each scenario reads as its story.

export const orderId = '9b2f4c1e-7a3d-4e5f-8b6a-1c2d3e4f5a60';

const authorization = { orderId, amount: 3248, currency: 'EUR', providerRef: 'auth_7Hq2Lm9Xz' };
const decline = { orderId, reason: 'card_declined' };

export const authorized: PaymentEvent = { type: 'PaymentAuthorized', data: authorization };
export const declined: PaymentEvent = { type: 'PaymentDeclined', data: decline };
export const refunded: PaymentEvent = { type: 'PaymentRefunded', data: { orderId, amount: 3248, currency: 'EUR' } };

export const recordAuthorization: PaymentCommand = { type: 'RecordPaymentAuthorization', data: authorization };
export const recordDecline: PaymentCommand = { type: 'RecordPaymentDecline', data: decline };
export const refund: PaymentCommand = { type: 'RefundPayment', data: { orderId } };
