/**
 * One order's payment: nothing yet, then the provider's answer (authorized or declined),
 * and an authorization may end refunded.
 */
export type PaymentState =
  | { readonly status: 'empty' }
  | {
      readonly status: 'authorized';
      readonly orderId: string;
      readonly amount: number;
      readonly currency: string;
      readonly providerRef: string;
    }
  | { readonly status: 'declined'; readonly orderId: string; readonly reason: string }
  | { readonly status: 'refunded'; readonly orderId: string; readonly amount: number; readonly currency: string };

export const initialState: PaymentState = { status: 'empty' };
