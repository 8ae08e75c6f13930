import { readFile, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The postmaster that `npm start` runs on DATA_DIR's cluster, while it runs: its pid from postmaster.pid,
 * trusted only while /proc says it is postgres on that very cluster (pids get reused).
 */
export async function postmasterOf(dataDir: string): Promise<number | undefined> {
  const clusterDir = await realpath(join(dataDir, 'postgres')).catch(() => undefined);
  if (!clusterDir) return undefined;
  const pidFile = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(pidFile.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return commandLine.includes('postgres') && commandLine.includes(clusterDir) ? pid : undefined;
}

/**
 * Stops a postmaster left on DATA_DIR's cluster (a killed launcher leaves it running) at once, and deletes
 * the cluster wherever it lives: run as root, `DATA_DIR/postgres` is a link to a folder the `postgres`
 * user can reach, outside DATA_DIR (see infra/postgres/cluster-location.ts).
 */
export async function removeEmbeddedCluster(dataDir: string): Promise<void> {
  const pid = await postmasterOf(dataDir);
  if (pid !== undefined) {
    process.kill(pid, 'SIGQUIT'); // immediate shutdown: the cluster is deleted next anyway
    for (let waited = 0; waited < 10_000 && (await postmasterOf(dataDir)) !== undefined; waited += 100) await sleep(100);
  }
  const clusterDir = await realpath(join(dataDir, 'postgres')).catch(() => undefined);
  if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
  await rm(join(dataDir, 'postgres'), { recursive: true, force: true });
}
