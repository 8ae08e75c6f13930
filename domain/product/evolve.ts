import type { ProductEvent } from './events.ts';
import type { ProductState } from './state.ts';

/** Folds one catalog fact into the state; a fact that does not fit the lifecycle changes nothing. */
export function evolve(state: ProductState, event: ProductEvent): ProductState {
  switch (event.type) {
    case 'ProductAdded': {
      if (state.status !== 'empty') return state;
      const { sku, name, price, currency } = event.data;
      return { status: 'listed', sku, name, price, currency };
    }
    case 'ProductPriceChanged':
      return state.status === 'listed' ? { ...state, price: event.data.price } : state;
    default: {
      // Compile time: every event type is handled. Run time: an unknown one is ignored.
      const _exhaustive: never = event;
      return state;
    }
  }
}
