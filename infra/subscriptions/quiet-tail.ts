import type { EventStore } from '../event-store/index.ts';

/**
 * The server reports a filter checkpoint only every `checkpointEvery` scanned events, so on a quiet system
 * the last few events the filter drops would stay ahead of the checkpoint for ever, and a reader waiting
 * for a position among them would wait in vain. When the live subscription is idle, a short probe
 * subscription from the committed checkpoint, reporting a checkpoint after every event, finds how far
 * the log holds nothing the group handles. Only checkpoints seen before the first delivered event
 * are trusted (they cover dropped events only), so committing the result can never skip an event.
 */
export async function probeQuietTail(
  eventStore: EventStore,
  handles: readonly string[],
  from: bigint | 'start',
  timeoutMs: number,
  signal: AbortSignal,
): Promise<bigint | undefined> {
  // A runner already stopping would wait the whole timeout: the abort listener below never fires for it.
  if (signal.aborted) return undefined;
  const probe = eventStore.subscribeToAll({
    from,
    filter: { on: 'eventType', prefixes: [...handles] },
    checkpointEvery: 1,
  });
  const close = () => void probe.close().catch(() => undefined);
  const timer = setTimeout(close, timeoutMs);
  signal.addEventListener('abort', close, { once: true });
  let safe: bigint | undefined;
  try {
    for await (const message of probe) {
      if (message.kind !== 'checkpoint') break; // an event (the live subscription delivers it) or the head
      if (safe === undefined || message.position > safe) safe = message.position;
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', close);
    await probe.close().catch(() => undefined);
  }
  return safe;
}
