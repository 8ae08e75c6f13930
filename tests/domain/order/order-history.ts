import type { OrderCommand, OrderEvent, PlaceOrder } from '../../../domain/order/index.ts';

// Builders for one order's facts and commands, so each scenario reads as its story.

export const orderId = '9b2f4c1e-7a3d-4e5f-8b6a-1c2d3e4f5a60';

export const placeMugsAndTea: PlaceOrder = {
  type: 'PlaceOrder',
  data: {
    orderId,
    customerId: 'customer-42',
    lines: [
      { sku: 'MUG-001', quantity: 2, unitPrice: 1299, currency: 'EUR' },
      { sku: 'TEA-EARLGREY-100G', quantity: 1, unitPrice: 650, currency: 'EUR' },
    ],
    payment: { token: 'tok_ok' },
  },
};

export const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId,
    customerId: 'customer-42',
    lines: [
      { sku: 'MUG-001', quantity: 2, unitPrice: 1299 },
      { sku: 'TEA-EARLGREY-100G', quantity: 1, unitPrice: 650 },
    ],
    total: 3248,
    currency: 'EUR',
    payment: { token: 'tok_ok' },
  },
};

export const confirmed: OrderEvent = { type: 'OrderConfirmed', data: { orderId } };
export const rejected: OrderEvent = { type: 'OrderRejected', data: { orderId, reason: 'out_of_stock' } };
export const cancellationRequested: OrderEvent = {
  type: 'OrderCancellationRequested',
  data: { orderId, reason: 'cancelled_by_customer', note: 'Ordered the wrong size' },
};
export const cancelled: OrderEvent = {
  type: 'OrderCancelled',
  data: { orderId, reason: 'cancelled_by_customer', note: 'Ordered the wrong size' },
};

export const confirm: OrderCommand = { type: 'ConfirmOrder', data: { orderId } };
export const reject: OrderCommand = { type: 'RejectOrder', data: { orderId, reason: 'out_of_stock' } };
export const requestCancellation: OrderCommand = {
  type: 'RequestOrderCancellation',
  data: { orderId, reason: 'cancelled_by_customer', note: 'Ordered the wrong size' },
};
export const cancel: OrderCommand = { type: 'CancelOrder', data: { orderId, reason: 'cancelled_by_customer' } };

/** Each lifecycle state, reached through its events. */
export const histories = {
  placed: [placed],
  cancellationRequested: [placed, cancellationRequested],
  confirmed: [placed, confirmed],
  rejected: [placed, rejected],
  cancelled: [placed, cancellationRequested, cancelled],
} satisfies Record<string, OrderEvent[]>;
