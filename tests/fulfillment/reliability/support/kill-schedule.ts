import { setTimeout as sleep } from 'node:timers/promises';
import type { SeededRandom } from '../../../reliability/support/seeded-random.ts';
import type { LauncherProcess } from '../../../support/launcher-process.ts';

/** One `kill -9`: of which process, how long into its life, and whether it had said it was up. */
export interface Kill {
  role: string;
  /** Killed before runtime.json named it (booting, migrating, taking its leases) or after. */
  moment: 'booting' | 'running';
  lifeMs: number;
  /** Milliseconds since the schedule started. */
  atMs: number;
  /** The traffic was still flowing. */
  midTraffic: boolean;
}

export interface KillScheduleOptions {
  role: string;
  random: SeededRandom;
  /** The first life, already up. */
  first: LauncherProcess;
  /** A new life of the process (spawned, not yet up). */
  spawn(): LauncherProcess;
  /** True while the traffic flows. */
  trafficFlowing(): boolean;
  /** Kills go on until the traffic is over and this many were made. */
  minKills: number;
  /** Never more (the whole file stays bounded in time). */
  maxKills: number;
  /** How long a running life lasts after it is up, and how long the process stays down after its kill. */
  lifeMs: [number, number];
  downMs: [number, number];
  /** Share of lives killed while booting, at a moment in `bootingMs` after their spawn. */
  bootingShare: number;
  bootingMs: [number, number];
  kills: Kill[];
  startedAt: number;
}

/**
 * Lives of one process, each ended by SIGKILL to its process group at a seeded moment, then respawned
 * after a seeded pause; resolves with the last life, left running and up.
 */
export async function killRepeatedly(options: KillScheduleOptions): Promise<LauncherProcess> {
  const { random } = options;
  let life = options.first;
  let bornAt = Date.now();
  let booting = false;
  for (let made = 0; ; made++) {
    if (made >= options.maxKills || (made >= options.minKills && !options.trafficFlowing())) {
      await life.up(90_000);
      return life;
    }
    if (booting) await sleep(random.int(...options.bootingMs));
    else {
      await life.up(90_000);
      await sleep(random.int(...options.lifeMs));
    }
    const wasUp = !booting || (await life.isUp());
    const midTraffic = options.trafficFlowing();
    await life.kill();
    options.kills.push({ role: options.role, moment: wasUp ? 'running' : 'booting', lifeMs: Date.now() - bornAt, atMs: Date.now() - options.startedAt, midTraffic });
    await sleep(random.int(...options.downMs));
    life = options.spawn();
    bornAt = Date.now();
    booting = random.chance(options.bootingShare);
  }
}

export const describeKills = (kills: readonly Kill[]) =>
  kills
    .map((kill) => `${kill.role} at ${(kill.atMs / 1000).toFixed(1)} s (${kill.moment}${kill.midTraffic ? ', mid-traffic' : ''}, life ${kill.lifeMs} ms)`)
    .join('; ');
