import type { Currency, RejectionReason } from '../shared/index.ts';
import type { FulfillmentOutcome } from './events.ts';

export interface FulfillmentLine {
  readonly sku: string;
  readonly quantity: number;
}

/** What the saga will charge once every line is reserved. */
export interface PaymentPlan {
  readonly amount: number;
  readonly currency: Currency;
  readonly token: string;
}

/**
 * One order's fulfillment, folded from `fulfillment-{orderId}` alone:
 * reserving → awaiting_payment → confirming → completed, or, from reserving or
 * awaiting_payment, compensating (releases requested, rejection or cancellation asked for) →
 * completed. `refundRequested` remembers that a late authorization was handed back, so a
 * redelivered one is not refunded twice.
 */
export type FulfillmentState =
  | { readonly status: 'idle' }
  | {
      readonly status: 'reserving';
      readonly orderId: string;
      readonly lines: readonly FulfillmentLine[];
      /** Skus whose reservation the saga has noted (FulfillmentLineReserved). */
      readonly reserved: ReadonlySet<string>;
      readonly payment: PaymentPlan;
      readonly dueAt: string | undefined;
    }
  | {
      readonly status: 'awaiting_payment';
      readonly orderId: string;
      readonly lines: readonly FulfillmentLine[];
      readonly dueAt: string | undefined;
    }
  | { readonly status: 'confirming'; readonly orderId: string }
  | {
      readonly status: 'compensating';
      readonly orderId: string;
      readonly outcome: Exclude<FulfillmentOutcome, 'confirmed'>;
      readonly reason: RejectionReason | 'cancelled_by_customer';
      readonly refundRequested: boolean;
    }
  | {
      readonly status: 'completed';
      readonly orderId: string;
      readonly outcome: FulfillmentOutcome;
      readonly refundRequested: boolean;
    };

export type FulfillmentStatus = FulfillmentState['status'];

export const initialState: FulfillmentState = { status: 'idle' };

/** Still waiting on stock or payment: the deadline applies and the order may still be cancelled. */
export const isWaiting = (state: FulfillmentState): state is Extract<FulfillmentState, { status: 'reserving' | 'awaiting_payment' }> =>
  state.status === 'reserving' || state.status === 'awaiting_payment';
