import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger.ts';
import type { SubscriptionRunner } from '../../infra/subscriptions/index.ts';
import { freshProjection, start } from './counter-projection.ts';
import { freshReaction, startReaction, useReactionTestbed } from './recording-reaction.ts';

useReactionTestbed('runner_stop_at_lease');

/**
 * A logger that stops the runner the moment it logs taking its lease: the stop lands after the lock was
 * taken and before the session is listening, which is where a SIGTERM during start-up lands by chance.
 */
function stopOnLeaseTaken(stopped: { runner?: SubscriptionRunner; stopping?: Promise<void> }) {
  return createLogger({
    level: 'info',
    destination: {
      write: (line: string) => {
        if (line.includes('lease taken') && stopped.runner && !stopped.stopping) stopped.stopping = stopped.runner.stop();
      },
    },
  });
}

async function settles(promise: Promise<void> | undefined): Promise<'stopped' | 'still running'> {
  if (!promise) return 'still running';
  return Promise.race([promise.then(() => 'stopped' as const), sleep(5_000).then(() => 'still running' as const)]);
}

async function untilStopAsked(stopped: { stopping?: Promise<void> }): Promise<void> {
  for (let waited = 0; waited < 5_000 && !stopped.stopping; waited += 10) await sleep(10);
}

describe('a runner stopped right after it took its lease', () => {
  it('a reaction runner stops (it used to run on, its session never told)', async () => {
    const stopped: { runner?: SubscriptionRunner; stopping?: Promise<void> } = {};
    stopped.runner = startReaction(await freshReaction(), { logger: stopOnLeaseTaken(stopped) });
    await untilStopAsked(stopped);
    expect(await settles(stopped.stopping)).toBe('stopped');
    expect(stopped.runner.status().state).toBe('stopped');
  });

  it('a projection runner stops', async () => {
    const stopped: { runner?: SubscriptionRunner; stopping?: Promise<void> } = {};
    stopped.runner = start(await freshProjection(), { logger: stopOnLeaseTaken(stopped) });
    await untilStopAsked(stopped);
    expect(await settles(stopped.stopping)).toBe('stopped');
    expect(stopped.runner.status().state).toBe('stopped');
  });
});
