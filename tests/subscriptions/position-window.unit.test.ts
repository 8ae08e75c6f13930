import { describe, expect, it } from 'vitest';
import { PositionWindow } from '../../infra/subscriptions/position-window.ts';

const at = new Date(0);

describe('the safe position of a reaction', () => {
  it('moves only over finished events, whatever order they finish in', () => {
    const window = new PositionWindow(10n);
    const [a, b, c] = [window.deliver(20n, at), window.deliver(30n, at), window.deliver(40n, at)];
    expect(window.finish(c)).toBe(false);
    expect(window.finish(b)).toBe(false);
    expect(window.safe).toBe(10n);
    expect(window.finish(a)).toBe(true);
    expect(window.safe).toBe(40n);
    expect(window.empty).toBe(true);
  });

  it('takes a checkpoint at once when nothing is in flight, else once the events before it finish', () => {
    const window = new PositionWindow(undefined);
    expect(window.checkpoint(5n)).toBe(true);
    expect(window.safe).toBe(5n);
    const slot = window.deliver(20n, at);
    expect(window.checkpoint(35n)).toBe(false);
    expect(window.safe).toBe(5n);
    window.finish(slot);
    expect(window.safe).toBe(35n);
  });

  it('takes a quiet-tail position only below the first event in flight', () => {
    const window = new PositionWindow(10n);
    const slot = window.deliver(50n, at);
    expect(window.quiet(60n)).toBe(false);
    expect(window.quiet(40n)).toBe(true);
    expect(window.safe).toBe(40n);
    window.finish(slot);
    expect(window.safe).toBe(50n);
  });

  it('counts events in flight until a commit covering them is confirmed', () => {
    const window = new PositionWindow(0n);
    const slots = [1n, 2n, 3n].map((position) => window.deliver(position, new Date(Number(position) * 1000)));
    window.finish(slots[0]!);
    window.finish(slots[1]!);
    expect(window.inFlight).toBe(3);
    const covered = window.takeCovered();
    expect(covered).toEqual({ events: 2, newestCreatedAtMs: 2000 });
    window.confirm(covered.events);
    expect(window.inFlight).toBe(1);
    expect(window.takeCovered()).toEqual({ events: 0, newestCreatedAtMs: undefined });
  });

  it('keeps its bookkeeping small over a long log, with one event held', () => {
    const window = new PositionWindow(0n);
    const held = window.deliver(1n, at);
    for (let position = 2n; position < 50_000n; position++) window.finish(window.deliver(position, at));
    expect(window.safe).toBe(0n);
    window.finish(held);
    expect(window.safe).toBe(49_999n);
    for (let position = 50_000n; position < 100_000n; position++) window.finish(window.deliver(position, at));
    expect(window.safe).toBe(99_999n);
    expect((window as unknown as { slots: unknown[] }).slots.length).toBeLessThan(2_100);
  });
});
