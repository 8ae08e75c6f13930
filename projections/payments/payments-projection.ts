import type { StoredEvent } from '../../domain/events.ts';
import type { Projection } from '../projection.ts';
import { positionParam } from '../shared/page.ts';
import { paymentsMigrations } from './schema.ts';
import { paymentCategory } from '../../domain/payment/index.ts';
import { unparsedKeyFrom } from '../../infra/subscriptions/unparsed-key.ts';

const handles = ['PaymentAuthorized', 'PaymentDeclined', 'PaymentRefunded'] as const;

export type PaymentStatus = 'authorized' | 'declined' | 'refunded';

/** The row an event leaves behind. Never the provider's reference or the card token. */
function paymentAfter(event: StoredEvent): { status: PaymentStatus; amount: number | null; currency: string | null } | undefined {
  switch (event.type) {
    case 'PaymentAuthorized':
      return { status: 'authorized', amount: event.data.amount, currency: event.data.currency };
    case 'PaymentDeclined':
      return { status: 'declined', amount: null, currency: null };
    case 'PaymentRefunded':
      return { status: 'refunded', amount: event.data.amount, currency: event.data.currency };
    default:
      return undefined;
  }
}

/** Each order's payment: authorized, declined or refunded, with the amount held or returned. */
export const paymentsProjection: Projection = {
  name: 'payments',
  version: 1,
  handles,
  migrations: paymentsMigrations,
  key: ({ event }) => ('orderId' in event.data ? event.data.orderId : ''),
  unparsedKey: unparsedKeyFrom('orderId', [paymentCategory]),
  apply: ({ event, position }) => {
    const payment = paymentAfter(event);
    if (!payment || !('orderId' in event.data)) return { statements: [], changes: [] };
    const { orderId } = event.data;
    return {
      statements: [
        {
          // Guarded by position: a replay or an older event arriving late changes nothing. A
          // decline keeps any amount already known rather than erasing it.
          text: `INSERT INTO payments (order_id, status, amount, currency, position) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (order_id) DO UPDATE SET status = excluded.status,
                   amount = COALESCE(excluded.amount, payments.amount),
                   currency = COALESCE(excluded.currency, payments.currency),
                   position = excluded.position
                 WHERE payments.position < excluded.position`,
          values: [orderId, payment.status, payment.amount, payment.currency, positionParam(position)],
        },
      ],
      changes: [{ topic: 'payment', key: orderId }],
    };
  },
};
