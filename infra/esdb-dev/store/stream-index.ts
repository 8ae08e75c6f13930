import type { StreamMetadata } from './stream-metadata.ts';

/**
 * Streams every `$all` read and subscription hides (EventStoreDB's default `$all` filter):
 * the epoch records and persistent subscriptions' own checkpoint and parked streams.
 */
function isHiddenFromAll(name: string): boolean {
  if (name === '$epoch-information') return true;
  return name.startsWith('$persistentsubscription-$all::') && (name.endsWith('-checkpoint') || name.endsWith('-parked'));
}

/** One stream: its name and the log indices of its events, where revision r is `eventIndices[r]`. */
export class StreamEntry {
  /** Revisions never have gaps (nothing is scavenged), so the array index is the revision. */
  readonly eventIndices: number[] = [];
  readonly hiddenFromAll: boolean;
  /** Latest parsed `$metadata` of this (meta)stream, remembered with the log index it came from. */
  parsedMetadata: { logIndex: number; metadata: StreamMetadata } | undefined;

  constructor(
    readonly number: number,
    readonly name: string,
  ) {
    this.hiddenFromAll = isHiddenFromAll(name);
  }

  /** How many of this stream's events lie below log index `limit` (the committed or the written head). */
  countBelow(limit: number): number {
    let count = this.eventIndices.length;
    while (count > 0 && (this.eventIndices[count - 1] as number) >= limit) count--;
    return count;
  }
}

/** Name → stream and number → stream. Numbers let the log store a stream per event in 4 bytes. */
export class StreamIndex {
  private readonly byName = new Map<string, StreamEntry>();
  private readonly byNumber: StreamEntry[] = [];

  find(name: string): StreamEntry | undefined {
    return this.byName.get(name);
  }

  at(number: number): StreamEntry {
    const entry = this.byNumber[number];
    if (!entry) throw new RangeError(`unknown stream number ${number}`);
    return entry;
  }

  getOrCreate(name: string): StreamEntry {
    let entry = this.byName.get(name);
    if (!entry) {
      entry = new StreamEntry(this.byNumber.length, name);
      this.byName.set(name, entry);
      this.byNumber.push(entry);
    }
    return entry;
  }
}
