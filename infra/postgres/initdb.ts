import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { access, chown, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../logger.ts';
import { forwardOutput } from './postgres-output.ts';
import type { RunAs } from './postgres-user.ts';

export interface InitdbOptions {
  initdbPath: string;
  clusterDir: string;
  runAs: RunAs | undefined;
  user: string;
  password: string;
  /** false skips fsync: a throwaway cluster need not survive a power cut. */
  durable: boolean;
  logger: Logger;
}

/**
 * Creates the cluster unless it exists. PG_VERSION marks an existing one: running initdb on it again would
 * fail, and restarting on the same DATA_DIR must find the data it left.
 * Returns true when it created the cluster.
 */
export async function initialiseClusterOnce(options: InitdbOptions): Promise<boolean> {
  const { clusterDir, logger } = options;
  if (await exists(join(clusterDir, 'PG_VERSION'))) return false;

  // Without PG_VERSION this folder is no cluster, only what an interrupted initdb left: initdb wants it empty.
  const leftovers = await readdir(clusterDir);
  if (leftovers.length > 0) {
    logger.warn({ clusterDir }, 'emptying the leftovers of an interrupted initdb');
    await Promise.all(leftovers.map((name) => rm(join(clusterDir, name), { recursive: true, force: true })));
  }

  // initdb reads the password from a file the postgres user must be able to read: put it beside the cluster.
  const passwordFile = join(dirname(clusterDir), `.initdb-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  try {
    if (options.runAs) await chown(passwordFile, options.runAs.uid, options.runAs.gid);
    await runInitdb(options, passwordFile);
  } finally {
    await rm(passwordFile, { force: true });
  }
  logger.info({ clusterDir }, 'created a PostgreSQL cluster');
  return true;
}

async function runInitdb(options: InitdbOptions, passwordFile: string): Promise<void> {
  const args = [
    `--pgdata=${options.clusterDir}`,
    `--username=${options.user}`,
    `--pwfile=${passwordFile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C', // the same sorting and messages on every machine, whatever locales it has
    '--no-instructions',
    ...(options.durable ? [] : ['--no-sync']),
  ];
  const child = spawn(options.initdbPath, args, {
    ...options.runAs,
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = forwardOutput([child.stdout, child.stderr], options.logger);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) {
    throw new Error(`initdb failed (${signal ?? `exit code ${code}`}):\n  ${output.lines().join('\n  ')}`);
  }
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
