import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readOrMakeOnce, readTrimmed } from './file-made-once.ts';

/**
 * A DATA_DIR owns its PostgreSQL cluster through a random id kept inside it, never through its path: a
 * deleted DATA_DIR takes its id along, so a new one at the same path gets a new, empty cluster; a moved or
 * copied one keeps its id, hence its cluster. The cluster holds the same id, checked on every start.
 */
const dataDirIdFile = (dataDir: string) => join(dataDir, 'postgres-cluster-id');
const clusterIdFile = (clusterDir: string) => join(clusterDir, 'esdb-commerce-cluster-id');

/** The id of this DATA_DIR, made on its first start. */
export const dataDirId = (dataDir: string): Promise<string> => readOrMakeOnce(dataDirIdFile(dataDir), randomUUID(), { mode: 0o644 });

/** The id a cluster holds; undefined for a new one, or one made before ids were kept. */
export const clusterId = (clusterDir: string): Promise<string | undefined> => readTrimmed(clusterIdFile(clusterDir));

/** Refuses a cluster that holds another DATA_DIR's id. */
export async function checkClusterId(options: { clusterDir: string; id: string; dataDir: string }): Promise<void> {
  const found = await clusterId(options.clusterDir);
  if (found === undefined || found === options.id) return;
  throw new Error(
    `the PostgreSQL cluster ${options.clusterDir} belongs to another DATA_DIR (id ${found}), ` +
      `not to ${options.dataDir} (id ${options.id}). Point DATA_DIR at the folder this cluster belongs to, ` +
      `or move the cluster away to start this DATA_DIR with a new, empty one.`,
  );
}

/** Writes the DATA_DIR's id into its cluster, once the cluster exists (initdb wants an empty folder). */
export async function markClusterId(clusterDir: string, id: string): Promise<void> {
  await readOrMakeOnce(clusterIdFile(clusterDir), id, { mode: 0o644 });
}
