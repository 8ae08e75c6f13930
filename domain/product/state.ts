/** A catalog entry's lifecycle: nothing yet, then listed at a price in one currency. */
export type ProductState =
  | { readonly status: 'empty' }
  | {
      readonly status: 'listed';
      readonly sku: string;
      readonly name: string;
      readonly price: number;
      readonly currency: string;
    };

export const initialState: ProductState = { status: 'empty' };
