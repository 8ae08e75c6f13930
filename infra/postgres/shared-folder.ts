import { chmod, lstat, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const candidates = () => ['/var/lib/esdb-commerce', join(tmpdir(), 'esdb-commerce')];

/**
 * A root-owned 0755 folder for what the `postgres` user must reach when we run as root (the binaries and
 * the clusters). /var/lib/esdb-commerce, or os.tmpdir()/esdb-commerce when /var/lib is not writable.
 * A folder under the shared /tmp is only trusted when root owns it and it is no symlink: anyone could
 * have created that name first.
 */
export async function sharedFolder(): Promise<string> {
  const failures: string[] = [];
  for (const folder of candidates()) {
    try {
      await mkdir(folder, { recursive: true, mode: 0o755 });
      const stats = await lstat(folder);
      if (!stats.isDirectory() || stats.uid !== process.getuid?.()) {
        failures.push(`${folder}: not a directory owned by us`);
        continue;
      }
      await chmod(folder, 0o755); // the umask may have narrowed mkdir's mode
      return folder;
    } catch (error) {
      failures.push(`${folder}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no folder for the embedded PostgreSQL files:\n  ${failures.join('\n  ')}`);
}
