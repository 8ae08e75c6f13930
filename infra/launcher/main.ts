/**
 * `npm start`: the whole system in one process, with esdb-dev and PostgreSQL embedded in DATA_DIR where
 * no ESDB_URL / DATABASE_URL is configured. Stops in order on SIGINT/SIGTERM (see shutdown.ts).
 */
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { otherRunningLauncher, removeRuntimeFile, writeRuntimeFile } from './runtime-file.ts';
import { Shutdown } from './shutdown.ts';
import { startSystem } from './start-system.ts';

/**
 * One Ctrl-C under `npm start` can reach us more than once: from the terminal, and relayed by npm and tsx.
 * A repeat this soon after the first signal is the same request, not an impatient second one.
 */
const repeatWindowMs = 1_000;

const config = readConfig();
const logger = createLogger({ level: config.LOG_LEVEL, name: 'esdb-commerce' });
const shutdown = new Shutdown(logger);
let wroteRuntimeFile = false;
let firstSignalAt: number | undefined;

const startup = start().catch(async (error: unknown) => {
  logger.error({ err: error }, 'startup failed');
  await stopAndExit(1);
});
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// `kill <pid of npm>` ends npm without relaying the signal to the script it runs, which would
// leave us, esdb-dev and PostgreSQL running with nobody to stop them. When the process that
// started us goes away, we are re-parented: stop as if we had been told to.
const parentPid = process.ppid;
const orphanWatch = setInterval(() => {
  if (process.ppid !== parentPid) {
    clearInterval(orphanWatch);
    onSignal('SIGHUP');
  }
}, 1_000).unref();

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`esdb-commerce: ${error.message}\n`);
    process.exit(1);
  }
}

async function start(): Promise<void> {
  const other = await otherRunningLauncher(config.DATA_DIR);
  if (other !== undefined) {
    throw new Error(`another npm start (pid ${other}) runs on ${config.DATA_DIR}: stop it, or use another DATA_DIR`);
  }
  const urls = await startSystem(config, logger, shutdown);
  await writeRuntimeFile(config.DATA_DIR, { ...urls, pid: process.pid, startedAt: new Date().toISOString() });
  wroteRuntimeFile = true;

  const startMs = Math.round(performance.now()); // since the process started, tsx's compilation included
  logger.info(
    { ...urls, esdbUrl: redact(urls.esdbUrl), databaseUrl: redact(urls.databaseUrl), dataDir: config.DATA_DIR, startMs },
    `esdb-commerce is up at ${urls.httpUrl} (${startMs} ms)`,
  );
}

function onSignal(signal: NodeJS.Signals): void {
  if (firstSignalAt === undefined) {
    firstSignalAt = Date.now();
    logger.info({ signal }, 'shutting down');
    // Let a startup in progress finish first, so that everything it started is registered for stopping.
    void startup.then(() => stopAndExit(0));
  } else if (Date.now() - firstSignalAt <= repeatWindowMs) {
    logger.debug({ signal }, 'the same stop request, relayed: ignored');
  } else {
    logger.warn({ signal }, 'second signal: exiting without finishing the shutdown');
    process.exit(1);
  }
}

async function stopAndExit(code: number): Promise<never> {
  const clean = await shutdown.run();
  if (wroteRuntimeFile) await removeRuntimeFile(config.DATA_DIR);
  logger.info('stopped');
  process.exit(clean ? code : 1);
}

/** URLs go to the log without their password. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
