import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger.ts';
import { shutDownProcess } from './shut-down-process.ts';

const run = promisify(execFile);

/**
 * A `kill -9` of node leaves its postgres child running on the cluster (or, after a machine crash, a
 * postmaster.pid naming a dead process). Before starting, stop such a leftover postmaster and remove its
 * pid file. A pid counts as ours only while it is a postgres process running on this very folder: pids get
 * reused, and we must never signal a stranger.
 */
export async function clearStalePostmaster(clusterDir: string, logger: Logger): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;

  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && (await isPostmasterOf(pid, clusterDir))) {
    logger.warn({ postmasterPid: pid, clusterDir }, 'a postmaster of an earlier run still runs on the cluster: stopping it');
    await shutDownProcess(pid, async () => !(await isPostmasterOf(pid, clusterDir)));
    logger.info({ postmasterPid: pid }, 'earlier postmaster stopped');
  } else {
    logger.info({ postmasterPid: pid, clusterDir }, 'removing the pid file of a postmaster that no longer runs');
  }
  await rm(pidFile, { force: true });
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
