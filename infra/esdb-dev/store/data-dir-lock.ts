import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_FILE = 'esdb-dev.lock';

/** Tokens of the locks this process holds: our own pid in a lock is a live owner only if one of these is in it. */
const heldTokens = new Set<string>();

/**
 * Keeps two esdb-dev processes from appending to the same event file, which would interleave
 * their frames. The lock file holds `pid token start-time`. It is created whole and at once
 * (written beside, then hard-linked into place: `link` fails if the name exists), so no one ever
 * reads an empty owner. A lock whose owner is gone, a zombie, or whose pid now names a process
 * started at another time (a reused pid, after a container restart) is taken over at once.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  const token = randomUUID();
  const draft = `${path}.${token}`;
  await writeFile(draft, `${process.pid} ${token} ${(await startTime(process.pid)) ?? ''}\n`);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(draft, path);
        heldTokens.add(token);
        return async () => {
          heldTokens.delete(token);
          await rm(path, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = await lockOwner(path);
      if (owner && (await isLiveOwner(owner))) throw new Error(`${dataDir} is in use by another esdb-dev (pid ${owner.pid})`);
      await moveAsideIfStale(path, `${path}.stale-${token}`);
    }
    throw new Error(`could not lock ${dataDir}: its lock file keeps changing`);
  } finally {
    await rm(draft, { force: true });
  }
}

interface LockOwner {
  pid: number;
  token: string;
  /** When the owner started (clock ticks since boot, from /proc); empty where unknown. */
  started: string;
}

async function lockOwner(path: string): Promise<LockOwner | undefined> {
  const [pid, token = '', started = ''] = (await readFile(path, 'utf8').catch(() => '')).trim().split(/\s+/);
  const owner = Number(pid);
  return Number.isInteger(owner) && owner > 0 ? { pid: owner, token, started } : undefined;
}

async function isLiveOwner({ pid, token, started }: LockOwner): Promise<boolean> {
  // Our own pid is a previous life of this pid (a container's PID 1, restarted) unless we hold that lock now.
  if (pid === process.pid) return heldTokens.has(token);
  if (!(await isRunning(pid))) return false;
  const now = started ? await startTime(pid) : undefined;
  return now === undefined || now === started;
}

/** Field 22 of /proc/<pid>/stat, or undefined without /proc. */
async function startTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/**
 * Renames the stale lock away rather than deleting it: a rename moves whichever file is there, so if
 * a contender replaced the stale lock meanwhile, what we moved is live, and it goes straight back.
 */
async function moveAsideIfStale(path: string, aside: string): Promise<void> {
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await lockOwner(aside);
  if (moved && (await isLiveOwner(moved))) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Whether the process runs: a zombie (exited, not yet reaped) does not, though `kill(pid, 0)` still finds it. */
async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Without /proc (macOS) trust kill(); on Linux a missing entry means it has just gone.
  if (stat === undefined) return process.platform !== 'linux';
  // "pid (comm) S …": comm may hold spaces and parentheses, the state follows the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}
