import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential from `baseMs`, capped at `capMs`, with
 * "full jitter" (uniform in [cap/2, cap]) so many workers that lost the same server do not reconnect in
 * lockstep, yet none waits longer than the cap.
 */
export function backoffDelay(attempt: number, baseMs = 250, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Sleeps, but wakes early (without throwing) when `signal` aborts, so stop() never waits out a backoff. */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
