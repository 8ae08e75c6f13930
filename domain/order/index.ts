import type { Decider } from '../shared/decider.ts';
import type { OrderCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { OrderEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { initialState, type OrderState } from './state.ts';

/** A customer's order: placed priced, then confirmed, rejected or cancelled on the saga's word. */
export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = { initialState, evolve, decide };

export const orderCategory = 'order';
export const orderStream = (orderId: string): string => `${orderCategory}-${orderId}`;

export {
  cancelOrderCommand,
  confirmOrderCommand,
  orderCommand,
  placeOrderCommand,
  pricedOrderLine,
  rejectOrderCommand,
  requestOrderCancellationCommand,
  type CancelOrder,
  type ConfirmOrder,
  type OrderCommand,
  type PlaceOrder,
  type PricedOrderLine,
  type RejectOrder,
  type RequestOrderCancellation,
} from './commands.ts';
export { orderErrorCodes, type OrderErrorCode } from './errors.ts';
export {
  orderCancellationRequestedEvent,
  orderCancelledEvent,
  orderConfirmedEvent,
  orderEvent,
  orderPlacedEvent,
  orderRejectedEvent,
  placedOrderLine,
  type OrderCancellationRequested,
  type OrderCancelled,
  type OrderConfirmed,
  type OrderEvent,
  type OrderPlaced,
  type OrderRejected,
  type PlacedOrderLine,
} from './events.ts';
export type { OpenOrderState, OrderState, OrderStatus } from './state.ts';
