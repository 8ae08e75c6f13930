import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type CommandResult = 'appended' | 'no_op' | 'rejected' | 'conflict' | 'failed';

/**
 * Where a command found the state it decided on: the state cache, the stream's latest snapshot and
 * the events after it, or the whole stream.
 */
/** Where a command's state came from: the cache, a snapshot and its tail, the whole stream, or nowhere (a stream assumed new). */
export type StreamLoad = 'cache' | 'assumed_new' | 'snapshot' | 'stream';

/** What the write path reports: outcomes, re-runs after a concurrent write, latency, and what it read. */
export interface CommandMetrics {
  record(command: string, result: CommandResult, attempts: number, seconds: number): void;
  /** One load of the stream's state, and how many of its events that load read (0 from the cache). */
  recordLoad(command: string, from: StreamLoad, eventsRead: number): void;
  /** A command joined (+1) or left (−1) the line of its stream. */
  recordLine?(delta: number): void;
}

/** Registers the command metrics in `registry` (exposed on /metrics). */
export function createCommandMetrics(registry: Registry): CommandMetrics {
  const commands = new Counter({
    name: 'commands_total',
    help: 'Commands handled, by command type and result',
    labelNames: ['command', 'result'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'command_retries_total',
    help: 'Re-runs of a command on fresh state after a wrong-expected-revision (contention on one stream)',
    labelNames: ['command'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'command_duration_seconds',
    help: 'Time from reading the stream to the append reply, retries included',
    labelNames: ['command'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const loads = new Counter({
    name: 'command_stream_loads_total',
    help: 'States a command decided on, by where they came from: cache, snapshot (plus the events after it) or stream (read whole)',
    labelNames: ['command', 'from'] as const,
    registers: [registry],
  });
  const eventsRead = new Counter({
    name: 'command_stream_events_read_total',
    help: 'Aggregate events read to load the state commands decide on (a hot stream read whole shows here)',
    labelNames: ['command', 'from'] as const,
    registers: [registry],
  });
  const inLine = new Gauge({
    name: 'command_queue_length',
    help: 'Commands in line for their stream in this process, running or waiting (each stream is bounded by COMMAND_QUEUE_LIMIT)',
    registers: [registry],
  });
  return {
    recordLine(delta) {
      inLine.inc(delta);
    },
    record(command, result, attempts, seconds) {
      commands.inc({ command, result });
      if (attempts > 1) retries.inc({ command }, attempts - 1);
      duration.observe({ command }, seconds);
    },
    recordLoad(command, from, count) {
      loads.inc({ command, from });
      if (count > 0) eventsRead.inc({ command, from }, count);
    },
  };
}

/** For callers that do not export metrics (scripts, some tests). */
export const noCommandMetrics: CommandMetrics = { record: () => undefined, recordLoad: () => undefined };
