/**
 * Settles as `work` does, or rejects with the signal's reason as soon as it aborts. The work itself goes
 * on unobserved (a provider call cannot be taken back; its idempotency key makes asking again safe).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs `work` with a signal of its own that aborts when `outer` does, holding one listener on `outer`
 * meanwhile: a reaction runner shares one signal among all its handlers, so each call adds one, not one
 * per waiting step.
 */
export async function withLinkedSignal<T>(outer: AbortSignal, work: (controller: AbortController) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const forward = () => controller.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener('abort', forward, { once: true });
  try {
    return await work(controller);
  } finally {
    outer.removeEventListener('abort', forward);
  }
}

/**
 * Runs `call` with a signal that aborts when `outer` does or after `ms`; past the deadline it rejects
 * with `onTimeout()` even if `call` ignores its signal. No deadline when `ms` is undefined.
 */
export function withDeadline<T>(
  ms: number | undefined,
  outer: AbortSignal,
  onTimeout: () => Error,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  return withLinkedSignal(outer, async (controller) => {
    const timer = ms === undefined ? undefined : setTimeout(() => controller.abort(onTimeout()), ms);
    try {
      return await untilAborted(call(controller.signal), controller.signal);
    } finally {
      clearTimeout(timer);
    }
  });
}
