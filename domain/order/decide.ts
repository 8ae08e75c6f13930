import type {
  CancelOrder,
  ConfirmOrder,
  OrderCommand,
  PlaceOrder,
  PricedOrderLine,
  RejectOrder,
  RequestOrderCancellation,
} from './commands.ts';
import {
  currencyMismatch,
  orderAlreadyConfirmed,
  orderAlreadyPlaced,
  orderAlreadyTerminal,
  orderCancellationNotRequested,
  orderHasNoLines,
  orderNotFound,
  orderTotalTooLarge,
} from './errors.ts';
import type { OrderEvent } from './events.ts';
import type { OrderState } from './state.ts';

// The saga alone decides how an order ends; the order records its verdicts. A verdict wins
// over a pending cancellation request (the saga reached it first, and will not approve the
// cancellation after it), and a terminal order never takes a different verdict.

/** Σ quantity × unitPrice, counted in bigint so a sum beyond exact integers is refused, not rounded. */
function orderTotal(orderId: string, lines: readonly PricedOrderLine[]): number {
  const total = lines.reduce((sum, line) => sum + BigInt(line.quantity) * BigInt(line.unitPrice), 0n);
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw orderTotalTooLarge(orderId);
  return Number(total);
}

/** Lines arrive priced from the catalog; they can only be added up when they share one currency. Stock is not checked here. */
function placeOrder(command: PlaceOrder, state: OrderState): OrderEvent[] {
  const { orderId, customerId, lines, payment } = command.data;
  if (state.status !== 'empty') throw orderAlreadyPlaced(orderId);
  const currencies = [...new Set(lines.map((line) => line.currency))];
  const [currency] = currencies;
  if (currency === undefined) throw orderHasNoLines(orderId);
  if (currencies.length > 1) throw currencyMismatch(orderId, currencies);
  const total = orderTotal(orderId, lines);
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId,
        lines: lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
        total,
        currency,
        payment: { token: payment.token },
      },
    },
  ];
}

function confirmOrder(command: ConfirmOrder, state: OrderState): OrderEvent[] {
  const { orderId } = command.data;
  switch (state.status) {
    case 'empty':
      throw orderNotFound(orderId);
    case 'placed':
    case 'cancellation_requested':
      return [{ type: 'OrderConfirmed', data: { orderId } }];
    case 'confirmed':
      return [];
    case 'rejected':
    case 'cancelled':
      throw orderAlreadyTerminal(orderId, state.status);
  }
}

function rejectOrder(command: RejectOrder, state: OrderState): OrderEvent[] {
  const { orderId, reason } = command.data;
  switch (state.status) {
    case 'empty':
      throw orderNotFound(orderId);
    case 'placed':
    case 'cancellation_requested':
      return [{ type: 'OrderRejected', data: { orderId, reason } }];
    case 'rejected':
      return [];
    case 'confirmed':
    case 'cancelled':
      throw orderAlreadyTerminal(orderId, state.status);
  }
}

/** Only an order still waiting for its verdict can be cancelled; asking twice is asking once. */
function requestOrderCancellation(command: RequestOrderCancellation, state: OrderState): OrderEvent[] {
  const { orderId, reason, note } = command.data;
  switch (state.status) {
    case 'empty':
      throw orderNotFound(orderId);
    case 'placed':
      return [{ type: 'OrderCancellationRequested', data: { orderId, reason, ...(note === undefined ? {} : { note }) } }];
    case 'cancellation_requested':
      return [];
    case 'confirmed':
      throw orderAlreadyConfirmed(orderId);
    case 'rejected':
    case 'cancelled':
      throw orderAlreadyTerminal(orderId, state.status);
  }
}

/** Cancels what the customer asked to cancel, keeping their note; never an order nobody asked to cancel. */
function cancelOrder(command: CancelOrder, state: OrderState): OrderEvent[] {
  const { orderId, reason } = command.data;
  switch (state.status) {
    case 'empty':
      throw orderNotFound(orderId);
    case 'placed':
      throw orderCancellationNotRequested(orderId);
    case 'cancellation_requested': {
      const { note } = state;
      return [{ type: 'OrderCancelled', data: { orderId, reason, ...(note === undefined ? {} : { note }) } }];
    }
    case 'cancelled':
      return [];
    case 'confirmed':
    case 'rejected':
      throw orderAlreadyTerminal(orderId, state.status);
  }
}

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'ConfirmOrder':
      return confirmOrder(command, state);
    case 'RejectOrder':
      return rejectOrder(command, state);
    case 'RequestOrderCancellation':
      return requestOrderCancellation(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    default: {
      const _exhaustive: never = command;
      throw new Error(`Unknown order command ${JSON.stringify(_exhaustive)}`);
    }
  }
}
