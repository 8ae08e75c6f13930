import { reject } from '../protocol/errors.ts';
import { streamsPb } from '../protocol/generated.ts';
import type { EventLog } from '../store/event-log.ts';

type FilterOptions = InstanceType<typeof streamsPb.ReadReq.Options.FilterOptions>;
const { FilterCase, WindowCase } = streamsPb.ReadReq.Options.FilterOptions;

/** The server's default search window when the client sends `count` instead of `max`. */
const DEFAULT_WINDOW = 32;

/**
 * Which `$all` records a read or subscription delivers. The default `$all` filter (hidden
 * system streams) always applies first. A user filter tests the stream name or the event
 * type; its verdict is remembered per stream / per type, so scanning a million events costs
 * a lookup each, not a regex each.
 */
export class AllFilter {
  private readonly verdicts = new Map<number, boolean>();

  private constructor(
    private readonly on: 'stream' | 'type' | 'none',
    private readonly matches: (value: string) => boolean,
    /** Events considered between two checkpoints; undefined for unfiltered calls (no checkpoints). */
    readonly checkpointInterval: number | undefined,
  ) {}

  static none(): AllFilter {
    return new AllFilter('none', () => true, undefined);
  }

  static fromRequest(options: FilterOptions): AllFilter {
    const filterCase = options.getFilterCase();
    const expression = filterCase === FilterCase.STREAM_IDENTIFIER ? options.getStreamIdentifier() : options.getEventType();
    if (filterCase === FilterCase.FILTER_NOT_SET || !expression) reject('A filter needs a stream or event type expression.');
    const window = options.getWindowCase() === WindowCase.MAX ? options.getMax() : DEFAULT_WINDOW;
    if (window <= 0) reject('The filter window must be greater than 0.');
    const interval = Math.max(1, options.getCheckpointintervalmultiplier()) * window;
    const on = filterCase === FilterCase.STREAM_IDENTIFIER ? 'stream' : 'type';
    return new AllFilter(on, matcherOf(expression.getRegex(), expression.getPrefixList()), interval);
  }

  accepts(log: EventLog, logIndex: number): boolean {
    const stream = log.streamAt(logIndex);
    if (stream.hiddenFromAll) return false;
    if (this.on === 'none') return true;
    const key = this.on === 'stream' ? stream.number : log.typeNumberAt(logIndex);
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      verdict = this.matches(this.on === 'stream' ? stream.name : log.typeName(key));
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }
}

/** A non-empty regex wins (unanchored search, like .NET Regex.Match); else any prefix matches. */
function matcherOf(regex: string, prefixes: string[]): (value: string) => boolean {
  if (regex !== '') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(regex);
    } catch {
      return reject(`Invalid filter regex: ${regex}`);
    }
    return (value) => pattern.test(value);
  }
  return (value) => prefixes.some((prefix) => value.startsWith(prefix));
}
