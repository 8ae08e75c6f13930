/**
 * `npm run projections -- status [--json] | retry NAME [--key KEY]`: the state of every projection, and
 * replaying the parked keys of one. Talks to the servers of DATABASE_URL / ESDB_URL, else to those of the
 * `npm start` running on DATA_DIR (its runtime.json). Exit codes: 0 done, 1 failed (or keys still
 * parked after a retry), 2 bad usage. Opens its clients itself and closes them all, so it exits by itself.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createEventStore, EventStoreUnavailableError } from '../event-store/index.ts';
import { otherRunningLauncher, runtimeFilePath } from '../launcher/runtime-file.ts';
import { pino } from 'pino';
import { createLogger, type Logger } from '../logger.ts';
import { DatabaseUnavailableError, toDatabaseError } from '../postgres/database-unavailable.ts';
import { createPgPool } from '../postgres/pool.ts';
import {
  describeProjections,
  listParkedKeys,
  retryParked,
  type ParkedKey,
  type ProjectionStatusView,
  type RetryOutcome,
} from '../subscriptions/index.ts';
import { allProjections, type Projection } from '../../projections/index.ts';

const usage = `usage: npm run projections -- status [--json]
       npm run projections -- retry NAME [--key KEY]`;

/** A failure to report in one line, with its exit code. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

type Command = { name: 'status'; json: boolean } | { name: 'retry'; projection: Projection; key: string | undefined } | { name: 'help' };

function parseCommand(args: string[]): Command {
  let parsed;
  try {
    const options = { json: { type: 'boolean' }, key: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
    parsed = parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${usage}`, 2);
  }
  const { positionals, values } = parsed;
  if (values.help) return { name: 'help' };
  if (positionals[0] === 'status' && positionals.length === 1 && values.key === undefined) {
    return { name: 'status', json: values.json ?? false };
  }
  if (positionals[0] === 'retry' && positionals.length === 2 && values.json === undefined) {
    const projection = allProjections.find((candidate) => candidate.name === positionals[1]);
    if (projection === undefined) {
      const known = allProjections.map((candidate) => candidate.name).join(', ');
      throw new CliError(`unknown projection "${positionals[1]}"; known: ${known}`, 2);
    }
    return { name: 'retry', projection, key: values.key };
  }
  throw new CliError(usage, 2);
}

const runtimeSchema = z.object({ esdbUrl: z.string(), databaseUrl: z.string() });

/**
 * DESIGN §7: the configured URLs; for what is not configured, those of the `npm start` running on DATA_DIR.
 * A runtime.json whose launcher is gone names servers that are gone too (or half gone), so it is refused.
 */
async function serverUrls(config: Config, need: { eventStore: boolean }): Promise<{ databaseUrl: string; esdbUrl?: string }> {
  if (config.DATABASE_URL && (config.ESDB_URL || !need.eventStore)) {
    return { databaseUrl: config.DATABASE_URL, ...(config.ESDB_URL ? { esdbUrl: config.ESDB_URL } : {}) };
  }
  const path = runtimeFilePath(config.DATA_DIR);
  const content = await readFile(path, 'utf8').catch(() => undefined);
  const missing = need.eventStore ? 'DATABASE_URL and ESDB_URL' : 'DATABASE_URL';
  if (content === undefined) {
    throw new CliError(`set ${missing}, or start the system with npm start (no ${path})`, 1);
  }
  if ((await otherRunningLauncher(config.DATA_DIR)) === undefined) {
    throw new CliError(`the npm start that wrote ${path} is no longer running: start it again, or set ${missing}`, 1);
  }
  const runtime = runtimeSchema.safeParse(parseJson(content));
  if (!runtime.success) throw new CliError(`${path} is not what npm start writes`, 1);
  return { databaseUrl: config.DATABASE_URL ?? runtime.data.databaseUrl, esdbUrl: config.ESDB_URL ?? runtime.data.esdbUrl };
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

async function run(args: string[]): Promise<number> {
  const command = parseCommand(args);
  if (command.name === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, 1);
    throw error;
  }
  // stdout is this command's output (status --json is parsed by scripts): log lines go to stderr.
  const logger = createLogger({ level: 'warn', name: 'projections-cli', destination: pino.destination(2) });
  try {
    return command.name === 'status' ? await status(config, logger, command.json) : await retry(config, logger, command);
  } catch (error) {
    throw toDatabaseError(error);
  }
}

async function status(config: Config, logger: Logger, json: boolean): Promise<number> {
  const { databaseUrl, esdbUrl } = await serverUrls(config, { eventStore: true });
  if (esdbUrl === undefined) throw new CliError('set ESDB_URL', 1); // (serverUrls finds one when asked)
  const pool = createPgPool({ url: databaseUrl, logger, max: 4 });
  const eventStore = createEventStore({ url: esdbUrl, logger });
  try {
    const views = await describeProjections({ pool, eventStore, projections: allProjections });
    process.stdout.write(json ? `${JSON.stringify({ projections: views }, null, 2)}\n` : statusTable(views));
    return 0;
  } finally {
    await eventStore.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  }
}

/** Exit code 0 when nothing is still parked, else 1. */
async function retry(config: Config, logger: Logger, command: { projection: Projection; key: string | undefined }): Promise<number> {
  const { databaseUrl } = await serverUrls(config, { eventStore: false }); // replaying reads the dead letters only
  const pool = createPgPool({ url: databaseUrl, logger, max: 4 });
  try {
    const outcome = await retryParked(pool, command.projection, logger, command.key === undefined ? {} : { key: command.key });
    process.stdout.write(retryReport(outcome, await listParkedKeys(pool, command.projection.name)));
    return outcome.stillParked.length === 0 ? 0 : 1;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

function retryReport(outcome: RetryOutcome, parkedNow: ParkedKey[]): string {
  const lines = [`replayed ${outcome.replayed} dead letter(s)`];
  if (outcome.stillParked.length === 0) lines.push('nothing still parked');
  else lines.push(`still parked (${outcome.stillParked.length}):`);
  const stillParked = new Set(outcome.stillParked);
  for (const parked of parkedNow) {
    if (stillParked.has(parked.key)) lines.push(`  ${parked.key} (${parked.events} event(s)): ${parked.error}`);
  }
  return `${lines.join('\n')}\n`;
}

function statusTable(views: ProjectionStatusView[]): string {
  const rows = [
    ['NAME', 'STATE', 'CHECKPOINT', 'LAG EVENTS', 'LAG SECONDS', 'PARKED KEYS'],
    ...views.map((view) => [
      view.name,
      view.state,
      view.checkpoint ?? '-',
      view.lag === null ? 'unknown' : `${view.lag.eventsAtLeast ? '≥' : ''}${view.lag.events}`,
      view.lag === null ? 'unknown' : view.lag.seconds.toFixed(1),
      String(view.parkedKeyCount),
    ]),
  ];
  const widths = rows.reduce((most, row) => most.map((width, column) => Math.max(width, row[column]?.length ?? 0)), [0, 0, 0, 0, 0, 0]);
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
  for (const view of views) {
    for (const parked of view.parkedKeys) {
      lines.push(`${view.name}: ${parked.key} parked since ${parked.firstPosition} (${parked.events} event(s)): ${parked.error}`);
    }
    if (view.parkedKeyCount > view.parkedKeys.length) {
      lines.push(`${view.name}: and ${view.parkedKeyCount - view.parkedKeys.length} more parked key(s)`);
    }
  }
  if (views.some((view) => view.lag === null)) lines.push('the event store did not answer: lag unknown');
  return `${lines.join('\n')}\n`;
}

process.exitCode = await run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError) {
    process.stderr.write(`projections: ${error.message}\n`);
    return error.exitCode;
  }
  const unavailable = error instanceof DatabaseUnavailableError || error instanceof EventStoreUnavailableError;
  process.stderr.write(`projections: ${unavailable ? '' : 'failed: '}${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
