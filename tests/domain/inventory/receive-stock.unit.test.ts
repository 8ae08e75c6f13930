import { describe, it } from 'vitest';
import { inventoryDecider } from '../../../domain/inventory/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { fiveOnHandThreeReservedForA, orderB, received, receive, rejected, reserve, reserved } from './stock-history.ts';

const spec = deciderSpec(inventoryDecider);

describe('an item never received', () => {
  it('receives stock', () => {
    spec.given([]).when(receive(10)).then([received(10)]);
  });
});

describe('an item with 5 units on hand and 3 reserved for order A', () => {
  it('receives more stock', () => {
    spec.given(fiveOnHandThreeReservedForA).when(receive(4)).then([received(4)]);
  });
});

describe('an item that received 5 units, then 3 more', () => {
  const history = [received(5), received(3)];

  it('has the sum on hand, all of it available', () => {
    spec.given(history).when(reserve(orderB, 8)).then([reserved(orderB, 8)]);
  });

  it('has no more than the sum', () => {
    spec.given(history).when(reserve(orderB, 9)).then([rejected(orderB, 9, 8)]);
  });
});
