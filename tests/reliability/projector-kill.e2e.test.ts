import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { commerceWorkload } from './support/commerce-workload.ts';
import { spawnProjector, type ProjectorProcess } from './support/projector-process.ts';
import { slowestCheckpoint, waitForCheckpoints } from './support/read-model-database.ts';
import { expectIntactReadModels, useTestbed, waitFor } from './support/testbed.ts';
import { lastPosition, pacer, writeWorkload, type WrittenAppend } from './support/workload-writer.ts';

/**
 * The projector (`npm start` with SERVICES=projections, in a child process) is killed with SIGKILL at
 * random moments while 20,000 events are written and while it catches up, and restarted each time. Its
 * read models must end exactly as a clean replay of the same log, and as the events say.
 * RELIABILITY_SEED=<the seed it prints> replays the same workload shape and kill schedule.
 */

const { random, seed, store, defer, databases, esdbUrl } = useTestbed();
const minKills = 5;
/** A bound in case the projector were always caught up by the time it is killed (the checks below then fail). */
const maxKills = 20;

/**
 * When a life ends: `early` before the launcher says it is up (migrations, leases), `timed` at a random
 * time after, `after-commit` shortly after the slowest read model committed a batch (so every such life
 * moves the checkpoints on, and the kill lands between batches or inside the next one).
 */
type Moment = 'early' | 'timed' | 'after-commit';
const moments: readonly Moment[] = ['early', 'timed', 'after-commit', 'after-commit'];

interface Kill {
  moment: Moment;
  lifeMs: number;
  /** Appends were in flight. */
  writing: boolean;
  /** `$all` positions written but not yet considered by the slowest read model: it was catching up. */
  lag: bigint;
}

describe('a projector killed with SIGKILL at random moments', () => {
  it('ends with the read models of a clean replay: no event lost, none applied twice', { timeout: 180_000 }, async () => {
    const startedAt = Date.now();
    const workload = commerceWorkload(random, { runId: randomBytes(4).toString('hex'), events: 20_000, skus: 150 });
    const dataDir = await mkdtemp(join(tmpdir(), 'commerce-projector-kill-'));
    defer(() => rm(dataDir, { recursive: true, force: true }));
    // The clean replay runs beside the kills: the same runners, in this process, never interrupted, over
    // the same stretch of the log.
    const { tested: killed, replay } = await databases('kill');

    // Spread over about 10 s, so that several lives see appends in flight.
    const writer = writeWorkload(store(), workload, { concurrency: 16, pause: pacer(1_500) });
    let writeError: unknown;
    const writing = writer.written.catch((error: unknown) => {
      writeError = error;
      return [] as WrittenAppend[];
    });
    defer(() => writing);

    let projector: ProjectorProcess | undefined;
    defer(() => projector?.kill() ?? Promise.resolve());
    const kills: Kill[] = [];
    // Catching up: all is written, the projector is running (past its boot) and still behind.
    const duringCatchUp = (kill: Kill) => !kill.writing && kill.moment !== 'early' && kill.lag > 0n;
    const enough = () => kills.length >= minKills && writer.progress.done && kills.filter(duringCatchUp).length >= 2;
    while (!enough() && kills.length < maxKills) {
      if (writeError) throw writeError;
      const spawnedAt = Date.now();
      const before = await slowestCheckpoint(killed.pool);
      projector = spawnProjector({ esdbUrl: esdbUrl(), databaseUrl: killed.url, dataDir });
      // The first life ends on a timer, so that one kill at least surely lands while appends are in flight.
      const moment = kills.length === 0 ? 'timed' : random.pick(moments);
      if (moment === 'early') await sleep(random.int(50, 800));
      else await projector.up(60_000);
      if (moment === 'timed') await sleep(random.int(100, 2_500));
      if (moment === 'after-commit') {
        await waitFor(async () => (await slowestCheckpoint(killed.pool)) > before, 30_000);
        await sleep(random.int(0, 300));
      }
      const lag = writer.progress.head - (await slowestCheckpoint(killed.pool));
      const inFlight = !writer.progress.done;
      await projector.kill();
      kills.push({ moment, lifeMs: Date.now() - spawnedAt, writing: inFlight, lag: lag > 0n ? lag : 0n });
    }
    const written = await writing;
    if (writeError) throw writeError;
    const head = lastPosition(written);

    // The last life: it must finish the job from wherever the kills left the checkpoints.
    projector = spawnProjector({ esdbUrl: esdbUrl(), databaseUrl: killed.url, dataDir });
    await projector.up(60_000);
    await waitForCheckpoints(killed.pool, head, 120_000);
    await projector.kill();
    const caughtUpMs = Date.now() - startedAt;
    await waitForCheckpoints(replay.pool, head, 60_000);

    console.log(
      `projector-kill ${seed}: ${workload.eventCount} events; ${kills.length} kills (` +
        kills.map((k) => `${k.moment} after ${k.lifeMs} ms${k.writing ? ' while writing' : ''}, lag ${k.lag}`).join('; ') +
        `); caught up ${caughtUpMs} ms after the start, clean replay ${Date.now() - startedAt} ms`,
    );
    expect(kills.filter((kill) => kill.writing).length, `${seed}: kills while appends were in flight`).toBeGreaterThan(0);
    expect(kills.filter(duringCatchUp).length, `${seed}: kills while catching up`).toBeGreaterThanOrEqual(2);
    await expectIntactReadModels({ db: killed.pool, replay: replay.pool, workload, written, seed });
  });
});
