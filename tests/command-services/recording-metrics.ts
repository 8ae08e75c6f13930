import type { CommandMetrics, StreamLoad } from '../../command-services/shared/command-metrics.ts';

/** CommandMetrics that keep every load, so a test can see where a command found its state and what it read. */
export function recordingMetrics(): CommandMetrics & { loads: Array<{ command: string; from: StreamLoad; eventsRead: number }> } {
  const loads: Array<{ command: string; from: StreamLoad; eventsRead: number }> = [];
  return {
    loads,
    record: () => undefined,
    recordLoad: (command, from, eventsRead) => void loads.push({ command, from, eventsRead }),
  };
}
