import { randomInt } from 'node:crypto';

/** A reproducible source of randomness: the same seed gives the same workload and the same kill schedule. */
export interface SeededRandom {
  seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[];
}

/**
 * mulberry32: tiny, fast, good enough for test schedules. The seed comes from RELIABILITY_SEED when set
 * (to replay a failure), else from the OS; tests print it so a failing run names its seed.
 */
export function seededRandom(seed = seedFromEnvironment()): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from nothing');
      return items[int(0, items.length - 1)] as (typeof items)[number];
    },
    sample: (items, count) => {
      const pool = [...items];
      for (let i = pool.length - 1; i > 0; i--) {
        const j = int(0, i);
        [pool[i], pool[j]] = [pool[j] as (typeof pool)[number], pool[i] as (typeof pool)[number]];
      }
      return pool.slice(0, count);
    },
  };
}

function seedFromEnvironment(): number {
  const configured = process.env.RELIABILITY_SEED;
  if (configured === undefined || configured.trim() === '') return randomInt(2 ** 31);
  const seed = Number(configured);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new RangeError(`RELIABILITY_SEED must be an integer in [0, 2^32), got ${configured}`);
  return seed;
}
