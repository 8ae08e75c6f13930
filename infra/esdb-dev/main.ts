import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createLogger } from '../logger.ts';
import { startEsdbDev } from './index.ts';

/**
 * `npm run esdb-dev -- --port 2113 [--host 127.0.0.1] [--data-dir DIR [--repair]]`: a development
 * EventStoreDB on this machine. `--repair` starts on an event file damaged before its last write by
 * cutting it at the damage, after keeping a copy. SIGINT/SIGTERM stop it cleanly (pending writes flushed,
 * the log closed) and exit 0.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '2113' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string' },
    repair: { type: 'boolean', default: false },
    'log-level': { type: 'string', default: process.env.LOG_LEVEL ?? 'info' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`esdb-dev: --port must be an integer from 0 to 65535, got ${values.port}`);
  process.exit(2);
}

const logger = createLogger({ level: values['log-level'], name: 'esdb-dev' });
const dataDir = values['data-dir'] ? resolve(values['data-dir']) : undefined;

try {
  const server = await startEsdbDev({ port, host: values.host, dataDir, repair: values.repair, logger });
  console.log(`esdb-dev listening on ${server.url}${dataDir ? ` (data in ${dataDir})` : ' (in memory)'}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'esdb-dev: stopping');
    let exitCode = 0;
    try {
      await server.stop();
    } catch (error) {
      logger.error({ err: error }, 'esdb-dev: stop failed');
      exitCode = 1;
    }
    logger.flush();
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  logger.fatal({ err: error }, 'esdb-dev: failed to start');
  logger.flush();
  process.exit(1);
}
