import type pg from 'pg';
import type { KeyLanes } from './key-lanes.ts';
import { hasDeadLetters, parkedKeysOf } from './reaction-dead-letters.ts';

/**
 * The keys a reaction session believes parked. A key joins when this session parks an event of it; it
 * leaves only after a look at the database from inside the key's lane (so no event of the key runs
 * meanwhile) finds its dead letters gone. This runner is the only writer of new dead letters, and only
 * from that lane, so "none left" stays true until the lane parks again: a stale "parked" costs a check,
 * a stale "not parked" cannot happen.
 */
export class ParkedKeys {
  private readonly keys: Set<string>;
  private readonly rechecking = new Set<string>();

  constructor(
    initial: readonly string[],
    /** Told the keys (sorted) whenever they change: the runner's status. */
    private readonly changed: (keys: string[]) => void,
  ) {
    this.keys = new Set(initial);
  }

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.changed([...this.keys].sort());
  }

  delete(key: string): void {
    if (this.keys.delete(key)) this.changed([...this.keys].sort());
  }

  /**
   * Forgets the keys a retry emptied although no event of theirs came since (else status and metrics
   * would show them parked until one does): one query, then a check queued in each such key's lane.
   */
  async reconcile(pool: pg.Pool, name: string, lanes: KeyLanes, signal: AbortSignal): Promise<void> {
    if (this.keys.size === 0) return;
    const inDatabase = await parkedKeysOf(pool, name);
    for (const key of this.keys) {
      if (inDatabase.has(key) || this.rechecking.has(key)) continue;
      this.rechecking.add(key);
      lanes.run(key, async () => {
        try {
          if (!signal.aborted && this.keys.has(key) && !(await hasDeadLetters(pool, name, key))) this.delete(key);
        } catch {
          // The next reconcile looks again.
        } finally {
          this.rechecking.delete(key);
        }
      });
    }
  }
}
