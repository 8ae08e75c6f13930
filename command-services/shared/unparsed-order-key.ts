import { fulfillmentCategory } from '../../domain/fulfillment/index.ts';
import { orderCategory } from '../../domain/order/index.ts';
import { paymentCategory } from '../../domain/payment/index.ts';
import { unparsedKeyFrom } from '../../infra/subscriptions/unparsed-key.ts';

/**
 * Every reaction of the saga is keyed by order: an event it cannot parse is keyed by the `orderId`
 * still readable in its data, or by its stream when the stream is one of the order's own. It then
 * parks under that order, and the order's later events wait behind it instead of overtaking it.
 */
export const unparsedOrderKey = unparsedKeyFrom('orderId', [orderCategory, paymentCategory, fulfillmentCategory]);
