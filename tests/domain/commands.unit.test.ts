import { describe, expect, it } from 'vitest';
import { inventoryCommand } from '../../domain/inventory/index.ts';
import { orderCommand } from '../../domain/order/index.ts';
import { paymentCommand } from '../../domain/payment/index.ts';
import { productCommand } from '../../domain/product/index.ts';

const orderId = '9b2f4c1e-7a3d-4e5f-8b6a-1c2d3e4f5a60';

const placeOrder = {
  type: 'PlaceOrder',
  data: {
    orderId,
    customerId: 'customer-42',
    lines: [{ sku: 'MUG-001', quantity: 2, unitPrice: 1299, currency: 'EUR' }],
    payment: { token: 'tok_ok' },
  },
} as const;

/** One valid example of every command, with the union that must accept it. */
const examples = [
  [productCommand, { type: 'AddProduct', data: { sku: 'MUG-001', name: 'Mug', price: 1299, currency: 'EUR' } }],
  [productCommand, { type: 'ChangeProductPrice', data: { sku: 'MUG-001', price: 1499 } }],
  [inventoryCommand, { type: 'ReceiveStock', data: { sku: 'MUG-001', quantity: 10 } }],
  [inventoryCommand, { type: 'ReserveStock', data: { sku: 'MUG-001', orderId, quantity: 2 } }],
  [inventoryCommand, { type: 'ReleaseStock', data: { sku: 'MUG-001', orderId } }],
  [inventoryCommand, { type: 'CommitStock', data: { sku: 'MUG-001', orderId } }],
  [orderCommand, placeOrder],
  [orderCommand, { type: 'ConfirmOrder', data: { orderId } }],
  [orderCommand, { type: 'RejectOrder', data: { orderId, reason: 'payment_declined' } }],
  [orderCommand, { type: 'RequestOrderCancellation', data: { orderId, reason: 'cancelled_by_customer', note: '' } }],
  [orderCommand, { type: 'CancelOrder', data: { orderId, reason: 'cancelled_by_customer' } }],
  [
    paymentCommand,
    { type: 'RecordPaymentAuthorization', data: { orderId, amount: 2598, currency: 'EUR', providerRef: 'auth_1' } },
  ],
  [paymentCommand, { type: 'RecordPaymentDecline', data: { orderId, reason: 'card_declined' } }],
  [paymentCommand, { type: 'RefundPayment', data: { orderId } }],
] as const;

describe.each(examples.map(([schema, command]) => ({ type: command.type, schema, command })))(
  'a $type command',
  ({ schema, command }) => {
    it('is accepted when valid', () => {
      expect(schema.parse(command)).toEqual(command);
    });

    it('is refused with an unknown field, rather than having the field dropped', () => {
      expect(schema.safeParse({ ...command, extra: true }).success).toBe(false);
      expect(schema.safeParse({ ...command, data: { ...command.data, extra: true } }).success).toBe(false);
    });
  },
);

describe('a PlaceOrder command', () => {
  it('refuses an unknown field on a line or in the payment', () => {
    const line = { ...placeOrder.data.lines[0], discount: 100 };
    expect(orderCommand.safeParse({ ...placeOrder, data: { ...placeOrder.data, lines: [line] } }).success).toBe(false);
    const payment = { token: 'tok_ok', cvc: '123' };
    expect(orderCommand.safeParse({ ...placeOrder, data: { ...placeOrder.data, payment } }).success).toBe(false);
  });

  it('refuses the same sku on two lines', () => {
    const lines = [...placeOrder.data.lines, { sku: 'MUG-001', quantity: 1, unitPrice: 1299, currency: 'EUR' }];
    expect(orderCommand.safeParse({ ...placeOrder, data: { ...placeOrder.data, lines } }).success).toBe(false);
  });
});
