import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger.ts';
import { shutDownProcess } from './shut-down-process.ts';

const run = promisify(execFile);

/**
 * A `kill -9` of node leaves its postgres child running on the cluster (or, after a machine crash, a
 * postmaster.pid naming a dead process). Before starting, stop such a leftover postmaster and remove its
 * pid file. A pid counts as ours only while it is a postgres process running on this very folder: pids get
 * reused, and we must never signal a stranger. Nor one still in use: a copy of a DATA_DIR shares its
 * cluster, and the copy must not stop the original's server.
 */
export async function clearStalePostmaster(clusterDir: string, logger: Logger): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;

  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && (await isPostmasterOf(pid, clusterDir))) {
    await refuseIfStillOwned(pid, clusterDir);
    logger.warn({ postmasterPid: pid, clusterDir }, 'a postmaster of an earlier run still runs on the cluster: stopping it');
    await shutDownProcess(pid, async () => !(await isPostmasterOf(pid, clusterDir)));
    logger.info({ postmasterPid: pid }, 'earlier postmaster stopped');
  } else {
    logger.info({ postmasterPid: pid, clusterDir }, 'removing the pid file of a postmaster that no longer runs');
  }
  await rm(pidFile, { force: true });
}

/**
 * A postmaster still has its owner while the node process that spawned it runs: a killed owner's postmaster
 * is re-parented (to init, or a subreaper, which is no node process).
 */
async function refuseIfStillOwned(pid: number, clusterDir: string): Promise<void> {
  const parent = await parentOf(pid);
  if (parent === undefined || parent <= 1) return;
  const commandLine = await commandLineOf(parent);
  if (commandLine === undefined || !basename(commandLine.trim().split(' ')[0] ?? '').startsWith('node')) return;
  throw new Error(
    `the PostgreSQL cluster ${clusterDir} is in use by process ${parent} (${commandLine.trim().slice(0, 120)}): ` +
      'another npm start on this DATA_DIR, or on a copy of it, which shares its cluster. Stop that one first.',
  );
}

async function parentOf(pid: number): Promise<number | undefined> {
  // /proc/PID/stat: "pid (command) state ppid …"; the command may hold spaces and parentheses.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const field = stat
    ? stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]
    : await run('ps', ['-o', 'ppid=', '-p', String(pid)]).then(
        ({ stdout }) => stdout.trim(),
        () => undefined,
      );
  const parent = Number.parseInt(field ?? '', 10);
  return Number.isInteger(parent) ? parent : undefined;
}

/**
 * True while `pid` runs postgres on `clusterDir`. Reading the command line (rather than `kill -0`) also
 * treats a zombie, which has none, as gone: in a container nobody may reap the orphaned postmaster.
 */
async function isPostmasterOf(pid: number, clusterDir: string): Promise<boolean> {
  const commandLine = await commandLineOf(pid);
  return commandLine !== undefined && commandLine.includes('postgres') && commandLine.includes(clusterDir);
}

async function commandLineOf(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    // No /proc (macOS), or no such process: ask ps, which fails for a missing pid.
    return run('ps', ['-o', 'command=', '-p', String(pid)]).then(
      ({ stdout }) => stdout,
      () => undefined,
    );
  }
}
