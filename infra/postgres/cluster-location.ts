import { chmod, chown, lstat, mkdir, readlink, rm, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { adoptFormerCluster } from './former-cluster.ts';
import type { RunAs } from './postgres-user.ts';
import { sharedFolder } from './shared-folder.ts';

/** Where a data folder's PostgreSQL cluster lives. */
export interface ClusterLocation {
  /** The folder postgres runs on (PGDATA). */
  clusterDir: string;
  /** Deletes the cluster, and the link to it when there is one: for throwaway clusters. */
  remove(): Promise<void>;
}

export interface ClusterLocationOptions {
  dataDir: string;
  /** The DATA_DIR's id (cluster-identity.ts): as root, it names the cluster's folder. */
  id: string;
  runAs: RunAs | undefined;
  logger: Logger;
}

/**
 * Not root: the cluster is `DATA_DIR/postgres` itself.
 *
 * Root: PostgreSQL runs as the `postgres` user, who cannot reach a DATA_DIR below a 0700 folder (/root,
 * `mktemp -d`). Rather than opening those parents up, the cluster lives in a postgres-owned folder under
 * the shared folder, named after the DATA_DIR's id (never its path: a new DATA_DIR at an old path must not
 * find the old data), and `DATA_DIR/postgres` is a symlink to it, so a look into DATA_DIR shows where it is.
 */
export async function prepareClusterLocation(options: ClusterLocationOptions): Promise<ClusterLocation> {
  const { dataDir, runAs, logger } = options;
  await mkdir(dataDir, { recursive: true });
  const linkPath = join(dataDir, 'postgres');

  if (!runAs) {
    await mkdir(linkPath, { recursive: true, mode: 0o700 });
    return { clusterDir: linkPath, remove: () => rm(linkPath, { recursive: true, force: true }) };
  }

  const clustersDir = join(await sharedFolder(), 'clusters');
  await mkdir(clustersDir, { recursive: true, mode: 0o755 });
  await chmod(clustersDir, 0o755);

  const clusterDir = join(clustersDir, options.id);
  await adoptFormerCluster({ dataDir, linkPath, clustersDir, clusterDir, logger });
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  await chown(clusterDir, runAs.uid, runAs.gid);
  await chmod(clusterDir, 0o700); // PostgreSQL refuses a data folder others can read

  await pointLinkAt(linkPath, clusterDir, logger);
  return {
    clusterDir,
    remove: async () => {
      await rm(clusterDir, { recursive: true, force: true });
      await unlink(linkPath).catch(() => undefined);
    },
  };
}

async function pointLinkAt(linkPath: string, target: string, logger: Logger): Promise<void> {
  const stats = await lstat(linkPath).catch(() => undefined);
  if (stats?.isSymbolicLink()) {
    const current = await readlink(linkPath);
    if (current === target) return;
    logger.info({ link: linkPath, was: current, now: target }, 'pointing DATA_DIR/postgres at the cluster of this DATA_DIR');
    await unlink(linkPath);
  } else if (stats) {
    throw new Error(
      `${linkPath} exists and is not a symlink (a cluster made by a non-root run?). ` +
        `As root the cluster lives in ${target}; move or remove ${linkPath}.`,
    );
  }
  await symlink(target, linkPath);
}
