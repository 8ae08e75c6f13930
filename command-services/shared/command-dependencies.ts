import type { EventStore } from '../../infra/event-store/index.ts';
import type { CommandMetrics } from './command-metrics.ts';

/** What every command handler needs, passed in explicitly by whoever wires the service. */
export interface CommandDependencies {
  eventStore: EventStore;
  metrics: CommandMetrics;
}
