import { describe, it } from 'vitest';
import { inventoryDecider } from '../../../domain/inventory/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import {
  commit,
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

describe('an item with 5 units on hand and 3 reserved for order A', () => {
  it('commits exactly the 3 units order A holds', () => {
    spec.given(fiveOnHandThreeReservedForA).when(commit(orderA)).then([committed(orderA, 3)]);
  });

  it('does nothing for order B, which holds nothing', () => {
    spec.given(fiveOnHandThreeReservedForA).when(commit(orderB)).thenNothing();
  });
});

describe('an item whose 3 units reserved for order A were committed out of 5', () => {
  const history = [...fiveOnHandThreeReservedForA, committed(orderA, 3)];

  it('does nothing when asked to commit them again', () => {
    spec.given(history).when(commit(orderA)).thenNothing();
  });

  it('has 2 units left on hand, none of them reserved', () => {
    spec.given(history).when(reserve(orderB, 2)).then([reserved(orderB, 2)]);
    spec.given(history).when(reserve(orderB, 3)).then([rejected(orderB, 3, 2)]);
  });
});

describe('an item whose reservation for order A was released', () => {
  it('does nothing: released units are no longer the order’s to ship', () => {
    spec
      .given([...fiveOnHandThreeReservedForA, released(orderA, 3)])
      .when(commit(orderA))
      .thenNothing();
  });
});

describe('an item that rejected order A', () => {
  it('does nothing: order A holds nothing', () => {
    spec
      .given([received(1), rejected(orderA, 4, 1)])
      .when(commit(orderA))
      .thenNothing();
  });
});
