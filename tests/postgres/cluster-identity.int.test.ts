import { access, cp, mkdtemp, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../infra/postgres/embedded-postgres.ts';
import { queryOnce as query } from '../support/query-once.ts';

/**
 * A DATA_DIR owns its PostgreSQL cluster through an id kept inside it, not through its path: deleting the
 * folder means a fresh system, moving it keeps its data. (Run as root the cluster lives outside DATA_DIR,
 * which is where a path-based link went wrong; run as another user it lives inside, and the same holds.)
 */

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'cluster-identity-test' });


const keptRows = (url: string) => query<{ id: number }>(url, `SELECT id FROM kept`).then((rows) => rows.map(({ id }) => id));
const hasKeptTable = async (url: string) =>
  (await query<{ found: string | null }>(url, `SELECT to_regclass('kept')::text AS found`))[0]?.found !== null;

describe('the cluster of a DATA_DIR', () => {
  const running: EmbeddedPostgres[] = [];
  const folders: string[] = [];

  const newFolder = async () => {
    const folder = await mkdtemp(join(tmpdir(), 'commerce-pg-identity-'));
    folders.push(folder);
    return folder;
  };
  const start = async (dataDir: string) => {
    const server = await startEmbeddedPostgres({ dataDir, logger });
    running.push(server);
    return server;
  };

  afterEach(async () => {
    for (const server of running.splice(0)) await server.stop();
    for (const folder of folders.splice(0)) {
      // A throwaway start removes the cluster wherever it lives (the data folders may hold several).
      for (const dataDir of [join(folder, 'data'), join(folder, 'moved'), join(folder, 'copy')]) {
        if (!(await access(dataDir).then(() => true, () => false))) continue;
        const cleanup = await startEmbeddedPostgres({ dataDir, logger, persistent: false }).catch(() => undefined);
        await cleanup?.stop();
      }
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('is a new, empty one once the DATA_DIR was deleted, even at the same path', async () => {
    const dataDir = join(await newFolder(), 'data');
    const first = await start(dataDir);
    await query(first.url, 'CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (1)');
    await first.stop();
    const abandoned = await realpath(join(dataDir, 'postgres'));

    await rm(dataDir, { recursive: true, force: true });
    const second = await start(dataDir);
    expect(await hasKeptTable(second.url)).toBe(false);
    await second.stop();
    await rm(abandoned, { recursive: true, force: true }); // the deleted DATA_DIR's cluster, as root
  });

  it('follows the DATA_DIR when it is moved', async () => {
    const folder = await newFolder();
    const first = await start(join(folder, 'data'));
    await query(first.url, 'CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (2)');
    await first.stop();

    await rename(join(folder, 'data'), join(folder, 'moved'));
    const moved = await start(join(folder, 'moved'));
    expect(await keptRows(moved.url)).toEqual([2]);
  });

  it('is shared by a copy of the DATA_DIR, and refused to the copy while the original runs on it', async () => {
    const folder = await newFolder();
    const original = await start(join(folder, 'data'));
    await query(original.url, 'CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (3)');
    await original.stop();
    await cp(join(folder, 'data'), join(folder, 'copy'), { recursive: true, verbatimSymlinks: true });

    const again = await start(join(folder, 'data'));
    await expect(startEmbeddedPostgres({ dataDir: join(folder, 'copy'), logger })).rejects.toThrow(/in use by process \d+/);
    expect(await keptRows(again.url)).toEqual([3]); // the refused start left the running one alone
    await again.stop();

    const copy = await start(join(folder, 'copy'));
    expect(await keptRows(copy.url)).toEqual([3]);
  });

  it('is refused when the id inside it is not the DATA_DIR’s', async () => {
    const dataDir = join(await newFolder(), 'data');
    await (await start(dataDir)).stop();
    const clusterDir = await realpath(join(dataDir, 'postgres'));
    await writeFile(join(clusterDir, 'esdb-commerce-cluster-id'), 'someone-else\n');

    await expect(startEmbeddedPostgres({ dataDir, logger })).rejects.toThrow(
      /belongs to another DATA_DIR \(id someone-else\), not to .+ \(id [0-9a-f-]{36}\)/,
    );
    await rm(clusterDir, { recursive: true, force: true }); // refused, so the cleanup cannot remove it
  });
});
