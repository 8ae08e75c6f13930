import { describe, expect, it } from 'vitest';
import {
  inventoryDecider,
  REMEMBERED_CLOSED_RESERVATIONS,
  type InventoryEvent,
  type InventoryState,
} from '../../../domain/inventory/index.ts';
import { hotSkuHistory } from '../../support/hot-sku-history.ts';

const { evolve, initialState } = inventoryDecider;
const history = hotSkuHistory({ sku: 'HOT-1', events: 100_000 });

/** What the state must be, computed the naive way (mutable, test-only): the fold is checked against it. */
function expectedAfter(events: readonly InventoryEvent[]) {
  let onHand = 0;
  const open = new Map<string, number>();
  const settled: string[] = [];
  for (const event of events) {
    if (event.type === 'StockReceived') onHand += event.data.quantity;
    else if (event.type === 'StockReserved') open.set(event.data.orderId, event.data.quantity);
    else {
      if (event.type === 'StockCommitted') onHand -= event.data.quantity;
      open.delete(event.data.orderId);
      settled.push(event.data.orderId);
    }
  }
  const reserved = [...open.values()].reduce((sum, units) => sum + units, 0);
  return { onHand, reserved, open: [...open].sort(), settled: settled.slice(-REMEMBERED_CLOSED_RESERVATIONS) };
}

const sizeOf = (state: InventoryState) => state.openReservations.size + state.recentlyClosed.oldestFirst.size;

describe('a hot sku with 100,000 events', () => {
  it('folds to the same stock, open reservations and remembered orders as the naive count', () => {
    const state = history.reduce(evolve, initialState);
    const expected = expectedAfter(history);
    expect(state.onHand).toBe(expected.onHand);
    expect(state.reserved).toBe(expected.reserved);
    expect([...state.openReservations].sort()).toEqual(expected.open);
    expect(state.recentlyClosed.oldestFirst.toArray()).toEqual(expected.settled);
    expect(state.recentlyClosed.orderIds.size).toBe(REMEMBERED_CLOSED_RESERVATIONS);
  });

  // Linear, measured without a clock: each event costs a fixed number of O(log n) persistent
  // updates on structures whose size is bounded (open reservations + the memory), never a copy of
  // them. So the fold is linear as long as that size stays bounded however long the history is.
  // (Timings are in `npm run bench -- inventory`.)
  it('keeps at most the open reservations and REMEMBERED_CLOSED_RESERVATIONS settled orders at every step', () => {
    let state = initialState;
    let largest = 0;
    let largestOpen = 0;
    for (const event of history) {
      state = evolve(state, event);
      largest = Math.max(largest, sizeOf(state));
      largestOpen = Math.max(largestOpen, state.openReservations.size);
    }
    expect(largestOpen).toBeLessThanOrEqual(150);
    expect(largest).toBeLessThanOrEqual(150 + REMEMBERED_CLOSED_RESERVATIONS);
  });

  it('never changes a state it evolves from: initialState and earlier states stay as they were', () => {
    const halfway = history.slice(0, 50_000).reduce(evolve, initialState);
    const before = { onHand: halfway.onHand, reserved: halfway.reserved, size: sizeOf(halfway), oldest: halfway.recentlyClosed.oldestFirst.first() };
    history.slice(50_000).reduce(evolve, halfway);
    expect({ onHand: halfway.onHand, reserved: halfway.reserved, size: sizeOf(halfway), oldest: halfway.recentlyClosed.oldestFirst.first() }).toEqual(before);
    expect(sizeOf(initialState)).toBe(0);
    expect(initialState.onHand + initialState.reserved).toBe(0);
  });
});
