import { createHash } from 'node:crypto';
import { access, lstat, readlink, realpath, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { clusterId } from './cluster-identity.ts';
import { clearStalePostmaster } from './stale-postmaster.ts';

/**
 * Before DATA_DIRs had ids, root kept a DATA_DIR's cluster under a hash of the DATA_DIR's path. Such a
 * cluster becomes this DATA_DIR's (renamed after its id) only when DATA_DIR/postgres still links to it:
 * that link was made by the DATA_DIR itself, whereas a new DATA_DIR at the same path has none and must not
 * inherit the old read models. A copied DATA_DIR links to the cluster of where it was copied from, whose
 * hash is not its own: it starts empty, as it did before ids. Safe to repeat after a crash at any point,
 * since the rename is the only change.
 */
export async function adoptFormerCluster(options: {
  dataDir: string;
  linkPath: string;
  clustersDir: string;
  /** Where this DATA_DIR's cluster lives now. */
  clusterDir: string;
  logger: Logger;
}): Promise<void> {
  const { clustersDir, clusterDir, logger } = options;
  if (await exists(clusterDir)) return;
  const pathHash = createHash('sha256').update(await realpath(options.dataDir)).digest('hex').slice(0, 16);
  const formerDir = join(clustersDir, pathHash);
  if (!(await exists(join(formerDir, 'PG_VERSION')))) return;

  const link = (await lstat(options.linkPath).catch(() => undefined))?.isSymbolicLink()
    ? await readlink(options.linkPath)
    : undefined;
  if (link !== formerDir || (await clusterId(formerDir)) !== undefined) {
    logger.warn(
      { formerCluster: formerDir, dataDir: options.dataDir },
      'a cluster an earlier version kept for this path is not this DATA_DIR’s (no link to it in DATA_DIR): ' +
        'left where it is; delete it once sure nothing in it is needed',
    );
    return;
  }
  // A postmaster an earlier run left on it would go on with its folder renamed under it.
  await clearStalePostmaster(formerDir, logger);
  await rename(formerDir, clusterDir);
  logger.warn({ was: formerDir, now: clusterDir }, 'moved the cluster of this DATA_DIR to the folder named after its id');
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
