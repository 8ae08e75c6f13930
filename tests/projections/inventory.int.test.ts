import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryProjection } from '../../projections/inventory/inventory-projection.ts';
import { getInventory, listInventory } from '../../projections/inventory/queries.ts';
import { projected, startHarness, type ProjectionHarness } from './projection-harness.ts';

let harness: ProjectionHarness;
beforeAll(async () => {
  harness = await startHarness(inventoryProjection);
});
afterAll(async () => harness?.close());

const orderId = randomUUID();
const received = (sku: string, quantity: number) => projected({ type: 'StockReceived', data: { sku, quantity } });
const reserved = (sku: string, quantity: number) => projected({ type: 'StockReserved', data: { sku, orderId, quantity } });

describe('a sku receiving stock', () => {
  it('has it on hand and available, nothing reserved', async () => {
    const event = received('lamp', 10);
    await harness.apply(event);
    expect(await getInventory(harness.pool, 'lamp')).toEqual({
      sku: 'lamp',
      onHand: 10,
      reserved: 0,
      available: 10,
      position: event.position.toString(),
    });
  });

  it('counts a receipt once when it is delivered twice', async () => {
    const again = received('lamp', 5);
    await harness.apply(again, again);
    expect(await getInventory(harness.pool, 'lamp')).toMatchObject({ onHand: 15, available: 15 });
  });
});

describe('reservations, releases and commits', () => {
  it('reserving lowers available, releasing gives it back', async () => {
    await harness.apply(received('desk', 8), reserved('desk', 3));
    expect(await getInventory(harness.pool, 'desk')).toMatchObject({ onHand: 8, reserved: 3, available: 5 });
    await harness.apply(projected({ type: 'StockReleased', data: { sku: 'desk', orderId, quantity: 1 } }));
    expect(await getInventory(harness.pool, 'desk')).toMatchObject({ onHand: 8, reserved: 2, available: 6 });
  });

  it('committing lowers on hand and reserved alike', async () => {
    const commit = projected({ type: 'StockCommitted', data: { sku: 'desk', orderId, quantity: 2 } });
    await harness.apply(commit, commit);
    expect(await getInventory(harness.pool, 'desk')).toMatchObject({ onHand: 6, reserved: 0, available: 6 });
  });

  it('ignores an event older than the last one applied', async () => {
    await harness.apply(projected({ type: 'StockReserved', data: { sku: 'desk', orderId, quantity: 4 } }, { position: 1n }));
    expect(await getInventory(harness.pool, 'desk')).toMatchObject({ onHand: 6, reserved: 0 });
  });

  it('announces the sku it changed, and handles no rejected reservation', () => {
    expect(inventoryProjection.apply(reserved('desk', 1)).changes).toEqual([{ topic: 'inventory', key: 'desk' }]);
    expect(inventoryProjection.handles).not.toContain('StockReservationRejected');
  });
});

describe('the inventory list', () => {
  it('pages by sku', async () => {
    const first = await listInventory(harness.pool, { limit: 1 });
    expect(first.items.map((row) => row.sku)).toEqual(['desk']);
    const rest = await listInventory(harness.pool, { limit: 100, cursor: first.nextCursor ?? undefined });
    expect(rest).toEqual({ items: [expect.objectContaining({ sku: 'lamp' })], nextCursor: null });
  });
});
