import type { RecordedEvent } from '../../infra/event-store/index.ts';
import { deriveEventId, type CommandContext } from './command-context.ts';

/**
 * A command whose first run appended and then lost its reply (a crash, a timeout) finds its
 * own events by their derived ids and answers as the first run did, instead of deciding
 * again on a state that already contains them.
 */
export function findEarlierRun<Event>(
  events: Array<RecordedEvent & { decoded: Event }>,
  context: CommandContext,
  streamName: string,
): Array<RecordedEvent & { decoded: Event }> | undefined {
  if (!context.idSeed || !context.lookForEarlierRun) return undefined;
  const firstId = deriveEventId(context.idSeed, streamName, 0);
  const start = events.findIndex((event) => event.id === firstId);
  if (start < 0) return undefined;
  const run: Array<RecordedEvent & { decoded: Event }> = [];
  for (let index = 0; events[start + index]?.id === deriveEventId(context.idSeed, streamName, index); index++) {
    run.push(events[start + index]!);
  }
  return run;
}
