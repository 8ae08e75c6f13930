import type { EventStore } from '../../infra/event-store/index.ts';
import type { CommandMetrics } from './command-metrics.ts';
import type { StreamStateCache } from './stream-state-cache.ts';

/** What every command handler needs, passed in explicitly by whoever wires the service. */
export interface CommandDependencies {
  eventStore: EventStore;
  metrics: CommandMetrics;
  /** Folded states of recently written streams; without it every command reads its stream. */
  streamStates?: StreamStateCache;
  /** Most commands in line for one stream (COMMAND_QUEUE_LIMIT); one more answers 503. Default: unbounded. */
  queueLimit?: number;
}
