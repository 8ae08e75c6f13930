import { Counter, Gauge, type Registry } from 'prom-client';
import type { SharedTail } from './shared-tail.ts';

/**
 * The shared tail on /metrics, read at scrape: whether it runs, how many groups hang on it, and how often
 * groups joined it or fell out of its ring (falling out often: a group slower than the log, or a ring too small).
 */
export function registerSharedTailMetrics(registry: Registry, tail: SharedTail): void {
  const registers = [registry];
  new Gauge({
    name: 'shared_tail_running',
    help: '1 while the shared $all subscription of this process runs',
    registers,
    collect() {
      this.set(tail.status().running ? 1 : 0);
    },
  });
  new Gauge({
    name: 'shared_tail_groups',
    help: 'Subscription groups on the shared tail, reading its ring or catching up on their own',
    registers,
    collect() {
      this.set(tail.status().consumers);
    },
  });
  new Counter({
    name: 'shared_tail_joins_total',
    help: 'Times a group started reading the ring of the shared tail',
    registers,
    collect() {
      this.reset();
      this.inc(tail.status().joined);
    },
  });
  new Counter({
    name: 'shared_tail_fell_behind_total',
    help: 'Times a group fell out of the ring of the shared tail and read on its own again',
    registers,
    collect() {
      this.reset();
      this.inc(tail.status().fellBehind);
    },
  });
}
