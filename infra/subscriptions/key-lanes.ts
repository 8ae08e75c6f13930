interface Lane {
  tail: Promise<void>;
  queued: number;
}

/**
 * Runs work one at a time per key, in the order it was queued, and different keys concurrently. A lane
 * is a promise chain dropped as soon as it runs dry, so memory follows the keys in flight, not every key
 * ever seen. `work` must not reject (the reaction session settles every outcome itself).
 */
export class KeyLanes {
  private readonly lanes = new Map<string, Lane>();
  private pending = 0;
  private whenIdle: Array<() => void> = [];

  run(key: string, work: () => Promise<void>): void {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { tail: Promise.resolve(), queued: 0 };
      this.lanes.set(key, lane);
    }
    const own = lane;
    own.queued++;
    this.pending++;
    const settled = () => {
      if (--own.queued === 0 && this.lanes.get(key) === own) this.lanes.delete(key);
      if (--this.pending === 0) for (const wake of this.whenIdle.splice(0)) wake();
    };
    own.tail = own.tail.then(work).then(settled, settled);
  }

  /** Keys with work queued or running. */
  get keys(): number {
    return this.lanes.size;
  }

  /** Resolves once every queued work has settled (at once when none is). */
  settled(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenIdle.push(resolve));
  }
}
