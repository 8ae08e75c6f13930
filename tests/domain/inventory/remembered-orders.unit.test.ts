import { describe, it } from 'vitest';
import { inventoryDecider, REMEMBERED_CLOSED_RESERVATIONS, type InventoryEvent } from '../../../domain/inventory/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { orderIdOf } from '../../support/hot-sku-history.ts';
import {
  commit,
  committed,
  fiveOnHandThreeReservedForA,
  orderA,
  received,
  rejected,
  release,
  released,
  reserve,
  reserved,
} from './stock-history.ts';

const spec = deciderSpec(inventoryDecider);

/** `count` other orders, each reserving one unit and giving it back: `count` settlements. */
const othersSettled = (count: number): InventoryEvent[] =>
  Array.from({ length: count }, (_, n) => orderIdOf('0e0e0e0e', n)).flatMap((id) => [reserved(id, 1), released(id, 1)]);

// A reaction runner delivers at least once: after a crash it redelivers up to its maxInFlight
// (1,000) requests, which may find their order already settled by the requests that followed.
const aRedeliveryWindow = 1_000;

describe('an item whose reservation for order A was committed, then a redelivery window of other orders settled', () => {
  const history = [...fiveOnHandThreeReservedForA, committed(orderA, 3), ...othersSettled(aRedeliveryWindow)];

  it('does nothing when order A’s reservation is redelivered: shipped units are not reserved again', () => {
    spec.given(history).when(reserve(orderA, 3)).thenNothing();
  });

  it('does nothing when order A’s commit is redelivered', () => {
    spec.given(history).when(commit(orderA)).thenNothing();
  });
});

describe('an item whose reservation for order A was released, then a redelivery window of other orders settled', () => {
  const history = [...fiveOnHandThreeReservedForA, released(orderA, 3), ...othersSettled(aRedeliveryWindow)];

  it('does nothing when order A’s reservation is redelivered', () => {
    spec.given(history).when(reserve(orderA, 3)).thenNothing();
  });

  it('does nothing when order A’s release is redelivered', () => {
    spec.given(history).when(release(orderA)).thenNothing();
  });
});

describe('an item that rejected order A, then received stock and settled a redelivery window of other orders', () => {
  it('does nothing when order A’s request is redelivered: no late reservation after a rejection', () => {
    spec
      .given([rejected(orderA, 4, 0), received(10), ...othersSettled(aRedeliveryWindow)])
      .when(reserve(orderA, 4))
      .thenNothing();
  });
});

describe(`an item that settled order A, then ${REMEMBERED_CLOSED_RESERVATIONS - 1} other orders`, () => {
  it('still remembers order A: its redelivered request does nothing', () => {
    spec
      .given([...fiveOnHandThreeReservedForA, committed(orderA, 3), ...othersSettled(REMEMBERED_CLOSED_RESERVATIONS - 1)])
      .when(reserve(orderA, 1))
      .thenNothing();
  });
});

// The memory is bounded so that a hot sku's state stays small. Forgetting is safe as long as no
// request comes back from further than the memory reaches (see REMEMBERED_CLOSED_RESERVATIONS);
// a request that does is, by design, answered as a new one.
describe(`an item that settled order A, then ${REMEMBERED_CLOSED_RESERVATIONS} other orders`, () => {
  it('has forgotten order A: a request from it is a new one, and reserves', () => {
    spec
      .given([...fiveOnHandThreeReservedForA, committed(orderA, 3), ...othersSettled(REMEMBERED_CLOSED_RESERVATIONS)])
      .when(reserve(orderA, 1))
      .then([reserved(orderA, 1)]);
  });

  it('has forgotten order A: a request from it beyond what is available is rejected anew', () => {
    spec
      .given([...fiveOnHandThreeReservedForA, committed(orderA, 3), ...othersSettled(REMEMBERED_CLOSED_RESERVATIONS)])
      .when(reserve(orderA, 3))
      .then([rejected(orderA, 3, 2)]);
  });

  it('still holds nothing for order A: a redelivered commit does nothing', () => {
    spec
      .given([...fiveOnHandThreeReservedForA, committed(orderA, 3), ...othersSettled(REMEMBERED_CLOSED_RESERVATIONS)])
      .when(commit(orderA))
      .thenNothing();
  });
});

describe('an item holding order A’s reservation while more than the memory’s worth of other orders settle', () => {
  it('keeps order A’s reservation: only settled orders are ever forgotten', () => {
    spec
      .given([...fiveOnHandThreeReservedForA, ...othersSettled(REMEMBERED_CLOSED_RESERVATIONS + 10)])
      .when(commit(orderA))
      .then([committed(orderA, 3)]);
  });
});
