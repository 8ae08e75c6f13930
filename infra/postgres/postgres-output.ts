import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from '../logger.ts';

type Level = 'debug' | 'warn' | 'error';

/** PostgreSQL's severity prefixes (in English: we start it with lc_messages=C). */
const levelOfSeverity: Record<string, Level> = {
  DEBUG: 'debug',
  LOG: 'debug',
  INFO: 'debug',
  NOTICE: 'debug',
  WARNING: 'warn',
  ERROR: 'error',
  FATAL: 'error',
  PANIC: 'error',
};

/** Lines that continue the message before them (DETAIL:, HINT:…) keep its level. */
const severityPrefix = /^([A-Z]+)\d?:\s+/;
const keptLines = 20;

/** The last lines a process wrote, for the error that reports its failure. */
export interface OutputTail {
  lines(): string[];
}

/**
 * Sends every line a PostgreSQL program writes to the logger: routine lines at debug, warnings and errors
 * at warn and error, never to the console. Keeps the last few lines for failure messages.
 */
export function forwardOutput(streams: Array<Readable | null>, logger: Logger): OutputTail {
  const tail: string[] = [];
  let level: Level = 'debug';
  for (const stream of streams) {
    if (!stream) continue;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim() === '') return;
      const severity = severityPrefix.exec(line)?.[1];
      if (severity && severity in levelOfSeverity) level = levelOfSeverity[severity] ?? 'debug';
      logger[level](line);
      tail.push(line);
      if (tail.length > keptLines) tail.shift();
    });
  }
  return { lines: () => [...tail] };
}
