import { describe, it } from 'vitest';
import { inventoryDecider } from '../../../domain/inventory/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import {
  committed,
  fiveOnHandThreeReservedForA,
  orderA,
  orderB,
  received,
  rejected,
  release,
  released,
} from './stock-history.ts';

const spec = deciderSpec(inventoryDecider);

describe('an item with 5 units on hand and 3 reserved for order A', () => {
  it('releases exactly the 3 units order A holds', () => {
    spec.given(fiveOnHandThreeReservedForA).when(release(orderA)).then([released(orderA, 3)]);
  });

  it('does nothing for order B, which holds nothing', () => {
    spec.given(fiveOnHandThreeReservedForA).when(release(orderB)).thenNothing();
  });
});

describe('an item whose reservation for order A was already released', () => {
  it('does nothing when asked to release it again', () => {
    spec
      .given([...fiveOnHandThreeReservedForA, released(orderA, 3)])
      .when(release(orderA))
      .thenNothing();
  });
});

describe('an item whose reservation for order A was committed', () => {
  it('does nothing: shipped units are not given back', () => {
    spec
      .given([...fiveOnHandThreeReservedForA, committed(orderA, 3)])
      .when(release(orderA))
      .thenNothing();
  });
});

describe('an item that rejected order A', () => {
  it('does nothing: order A holds nothing', () => {
    spec
      .given([received(1), rejected(orderA, 4, 1)])
      .when(release(orderA))
      .thenNothing();
  });
});
