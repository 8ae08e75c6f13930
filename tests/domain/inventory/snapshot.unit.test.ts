import { describe, expect, it } from 'vitest';
import {
  decodeInventorySnapshot,
  encodeInventorySnapshot,
  inventoryDecider,
  REMEMBERED_CLOSED_RESERVATIONS,
  type InventoryState,
} from '../../../domain/inventory/index.ts';
import { deciderSpec } from '../../support/decider-spec.ts';
import { hotSkuHistory } from '../../support/hot-sku-history.ts';
import { committed, fiveOnHandThreeReservedForA, orderA, reserve } from './stock-history.ts';

const { evolve, initialState } = inventoryDecider;
const history = hotSkuHistory({ sku: 'SNAP-1', events: 30_000, seed: 7 });

/** The state as JSON with its open reservations sorted (a map's iteration order is not its content). */
const comparable = (state: InventoryState) => {
  const encoded = encodeInventorySnapshot(state);
  return { ...encoded, openReservations: [...encoded.openReservations].sort() };
};
const throughJson = (state: InventoryState): unknown => JSON.parse(JSON.stringify(encodeInventorySnapshot(state)));

describe('a hot sku snapshotted two thirds of the way through its history', () => {
  const atSnapshot = history.slice(0, 20_000).reduce(evolve, initialState);

  it('decodes to the state it was taken of', () => {
    expect(comparable(decodeInventorySnapshot(throughJson(atSnapshot)))).toEqual(comparable(atSnapshot));
  });

  it('folds the events after it to the same state as the whole history does', () => {
    const resumed = history.slice(20_000).reduce(evolve, decodeInventorySnapshot(throughJson(atSnapshot)));
    expect(comparable(resumed)).toEqual(comparable(history.reduce(evolve, initialState)));
  });

  it('remembers the settled orders in the order they settled, so the same one is forgotten next', () => {
    const decoded = decodeInventorySnapshot(throughJson(atSnapshot));
    expect(decoded.recentlyClosed.oldestFirst.toArray()).toEqual(atSnapshot.recentlyClosed.oldestFirst.toArray());
    expect(decoded.recentlyClosed.orderIds.size).toBe(REMEMBERED_CLOSED_RESERVATIONS);
  });
});

describe('an item restored from a snapshot after order A’s reservation was committed', () => {
  it('does nothing when order A’s reservation is redelivered', () => {
    const restored = decodeInventorySnapshot(throughJson([...fiveOnHandThreeReservedForA, committed(orderA, 3)].reduce(evolve, initialState)));
    const restoredDecider = { ...inventoryDecider, initialState: restored };
    deciderSpec(restoredDecider).given([]).when(reserve(orderA, 3)).thenNothing();
  });
});

describe('a snapshot that does not describe a state this version folds to', () => {
  const valid = throughJson([...fiveOnHandThreeReservedForA].reduce(evolve, initialState)) as Record<string, unknown>;

  it('is accepted as written', () => {
    expect(decodeInventorySnapshot(valid).reserved).toBe(3);
  });

  it('is refused when taken with another memory capacity: a full fold would remember other orders', () => {
    expect(() => decodeInventorySnapshot({ ...valid, remembers: REMEMBERED_CLOSED_RESERVATIONS * 2 })).toThrow();
  });

  it('is refused when its reserved units are not the sum of its open reservations', () => {
    expect(() => decodeInventorySnapshot({ ...valid, reserved: 4 })).toThrow();
  });

  it('is refused when it is not a snapshot at all', () => {
    expect(() => decodeInventorySnapshot({ onHand: 5 })).toThrow();
    expect(() => decodeInventorySnapshot(null)).toThrow();
  });
});
