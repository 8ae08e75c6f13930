import { readdirSync, readFileSync } from 'node:fs';
import { allEvents, type StoredEvent } from '../../domain/events.ts';

const fixtures = new URL('../fixtures/events/', import.meta.url);

/** The corpus of stored examples (one per event type), parsed as the adapter would. */
export const storedExamples: StoredEvent[] = readdirSync(fixtures)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => {
    const stored = JSON.parse(readFileSync(new URL(file, fixtures), 'utf8')) as { type: unknown; data: unknown };
    return allEvents.parse({ type: stored.type, data: stored.data });
  });
