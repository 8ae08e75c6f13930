import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allEvents, allEventTypes } from '../../domain/events.ts';
import { eventMetadata } from '../../domain/shared/event-metadata.ts';

// One stored example of every event type, as version 1 wrote it. Stored events are read back
// for ever, so each of these must keep parsing, field for field: a change that breaks one is
// a new event type with an upcaster, never an edit of the schema (or of the fixture).

const fixtures = new URL('../fixtures/events/', import.meta.url);
const files = readdirSync(fixtures).filter((file) => file.endsWith('.json'));
const typeOf = (file: string) => file.slice(0, -'.json'.length);

describe('the corpus of stored events', () => {
  it('holds one example of every event type the system stores, and nothing else', () => {
    expect(files.map(typeOf).sort()).toEqual([...allEventTypes].sort());
  });
});

describe.each(files)('the stored example %s', (file) => {
  const stored = JSON.parse(readFileSync(new URL(file, fixtures), 'utf8')) as Record<string, unknown>;

  it('is an event of that type, with data and metadata', () => {
    expect(Object.keys(stored).sort()).toEqual(['data', 'metadata', 'type']);
    expect(stored.type).toBe(typeOf(file));
  });

  it('still parses, keeping every field it was stored with', () => {
    const parsed = allEvents.parse({ type: stored.type, data: stored.data });
    expect(parsed.data).toEqual(stored.data);
  });

  it('has metadata that still parses, keeping every field', () => {
    expect(eventMetadata.parse(stored.metadata)).toEqual(stored.metadata);
  });
});
