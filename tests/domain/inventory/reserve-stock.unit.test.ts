import { describe, expect, it } from 'vitest';
import { inventoryDecider, type InventoryEvent } from '../../../domain/inventory/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import {
  committed,
  fiveOnHandThreeReservedForA,
  orderA,
  orderB,
  received,
  rejected,
  released,
  reserve,
  reserved,
} from './stock-history.ts';

const spec = deciderSpec(inventoryDecider);

describe('an item never received', () => {
  it('rejects a reservation, saying nothing is available', () => {
    spec.given([]).when(reserve(orderA, 1)).then([rejected(orderA, 1, 0)]);
  });
});

describe('an item with 5 units on hand and 3 reserved for order A', () => {
  it('reserves for order B up to what is available', () => {
    spec.given(fiveOnHandThreeReservedForA).when(reserve(orderB, 2)).then([reserved(orderB, 2)]);
  });

  it('rejects order B beyond what is available, with what was asked and what there was', () => {
    spec.given(fiveOnHandThreeReservedForA).when(reserve(orderB, 3)).then([rejected(orderB, 3, 2)]);
  });

  it('does nothing when order A asks again, for any quantity', () => {
    spec.given(fiveOnHandThreeReservedForA).when(reserve(orderA, 3)).thenNothing();
    spec.given(fiveOnHandThreeReservedForA).when(reserve(orderA, 1)).thenNothing();
  });
});

describe('an item that rejected order A, then received 10 units', () => {
  it('does nothing when order A asks again: its request was answered once', () => {
    spec
      .given([rejected(orderA, 4, 0), received(10)])
      .when(reserve(orderA, 4))
      .thenNothing();
  });

  it('reserves for order B', () => {
    spec
      .given([rejected(orderA, 4, 0), received(10)])
      .when(reserve(orderB, 4))
      .then([reserved(orderB, 4)]);
  });
});

describe('an item with 5 units on hand whose 3 units reserved for order A were released', () => {
  const history = [...fiveOnHandThreeReservedForA, released(orderA, 3)];

  it('has all 5 available again for order B', () => {
    spec.given(history).when(reserve(orderB, 5)).then([reserved(orderB, 5)]);
  });

  it('does nothing when order A asks again', () => {
    spec.given(history).when(reserve(orderA, 3)).thenNothing();
  });
});

describe('an item with 5 units on hand whose 3 units reserved for order A were committed', () => {
  const history = [...fiveOnHandThreeReservedForA, committed(orderA, 3)];

  it('has the 2 units left available for order B, not more', () => {
    spec.given(history).when(reserve(orderB, 2)).then([reserved(orderB, 2)]);
    spec.given(history).when(reserve(orderB, 3)).then([rejected(orderB, 3, 2)]);
  });

  it('does nothing when order A asks again', () => {
    spec.given(history).when(reserve(orderA, 3)).thenNothing();
  });
});

describe('an item with 3 units on hand and many orders asking for 1 each', () => {
  it('reserves exactly 3 and rejects the rest: stock never goes negative', () => {
    let history: InventoryEvent[] = [received(3)];
    for (let n = 0; n < 10; n++) {
      const orderId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      const state = history.reduce(inventoryDecider.evolve, inventoryDecider.initialState);
      history = [...history, ...inventoryDecider.decide(reserve(orderId, 1), state)];
    }
    const types = history.map((event) => event.type);
    expect(types.filter((type) => type === 'StockReserved')).toHaveLength(3);
    expect(types.filter((type) => type === 'StockReservationRejected')).toHaveLength(7);
  });
});
