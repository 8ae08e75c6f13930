import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * `DATA_DIR/runtime.json`: where the servers of a running `npm start` are, so other scripts (rebuild,
 * projections) find them with nothing configured. It holds the database password, hence mode 0600.
 */
export interface RuntimeInfo {
  esdbUrl: string;
  databaseUrl: string;
  httpUrl: string;
  /** The launcher's process. */
  pid: number;
  startedAt: string;
}

export const runtimeFilePath = (dataDir: string) => join(dataDir, 'runtime.json');

/** Written to a temporary name then renamed, so a reader never sees half a file. */
export async function writeRuntimeFile(dataDir: string, info: RuntimeInfo): Promise<void> {
  const path = runtimeFilePath(dataDir);
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  await rename(partial, path);
}

export async function removeRuntimeFile(dataDir: string): Promise<void> {
  await rm(runtimeFilePath(dataDir), { force: true });
}

/**
 * The pid of another launcher still running on this DATA_DIR, if any. Starting a second one would take
 * its postmaster for a leftover of a crash and stop it. A runtime.json left by a killed launcher names a
 * process that is gone (or, pids being reused, one that is no launcher).
 */
export async function otherRunningLauncher(dataDir: string): Promise<number | undefined> {
  const content = await readFile(runtimeFilePath(dataDir), 'utf8').catch(() => undefined);
  if (content === undefined) return undefined;
  let pid: unknown;
  try {
    pid = (JSON.parse(content) as Partial<RuntimeInfo>).pid;
  } catch {
    return undefined;
  }
  if (typeof pid !== 'number' || pid === process.pid) return undefined;
  return (await isLauncher(pid)) ? pid : undefined;
}

async function isLauncher(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // Where /proc exists, also rule out a zombie (no command line) and a stranger that reused the pid.
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return commandLine === undefined ? true : commandLine.includes('launcher/main');
}
