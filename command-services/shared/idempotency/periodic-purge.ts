import type { Logger } from '../../../infra/logger.ts';

/**
 * Runs `purge` now and then every `intervalMs` after the previous run ended (never two at once), until
 * the returned stop() is called; stop() resolves once a run in progress has finished, so the launcher can
 * close the pool afterwards. The timer is unref()ed: it never keeps the process alive on its own.
 * A failed run is logged and tried again at the next interval.
 */
export function startPeriodicPurge(purge: () => Promise<number>, intervalMs: number, log: Logger): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const run = () => {
    running = purge()
      .then(
        (purged) => log.debug({ purged }, 'purged expired idempotency keys'),
        (error: unknown) => log.warn({ err: error }, 'purging expired idempotency keys failed; will retry'),
      )
      .finally(() => {
        running = undefined;
        schedule(intervalMs);
      });
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(run, delayMs);
    timer.unref();
  };

  // The first run right away: a process restarted more often than the interval must still purge.
  schedule(0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
