import { setTimeout as sleep } from 'node:timers/promises';

/**
 * PostgreSQL's shutdown modes, gentlest first: fast (SIGINT: roll back sessions, checkpoint, exit),
 * immediate (SIGQUIT: exit now, recover at next start), then SIGKILL. Each gets this long before the next.
 */
const shutdownModes = [
  { signal: 'SIGINT', waitMs: 30_000 },
  { signal: 'SIGQUIT', waitMs: 5_000 },
  { signal: 'SIGKILL', waitMs: 5_000 },
] as const;

/** Sends ever harsher shutdown signals to a postmaster until `isGone()` says it has ended. */
export async function shutDownProcess(pid: number, isGone: () => boolean | Promise<boolean>): Promise<void> {
  for (const { signal, waitMs } of shutdownModes) {
    if (await isGone()) return;
    try {
      process.kill(pid, signal);
    } catch {
      return; // no such process any more
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (await isGone()) return;
      await sleep(50);
    }
  }
  throw new Error(`postgres process ${pid} does not stop`);
}
