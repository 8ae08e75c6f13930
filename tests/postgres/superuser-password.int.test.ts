import { createHash } from 'node:crypto';
import { mkdtemp, readFile, realpath, rename, rm, stat, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../infra/postgres/embedded-postgres.ts';
import { isRoot } from '../../infra/postgres/postgres-user.ts';
import { queryOnce as query } from '../support/query-once.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent', name: 'superuser-password-test' });
/** What every cluster was given before passwords were generated. */
const formerPassword = 'postgres';


const withPassword = (url: string, password: string) => {
  const changed = new URL(url);
  changed.password = password;
  return changed.toString();
};

/** The SQLSTATE a login with this password gets, or 'ok'. */
const loginWith = (url: string, password: string) =>
  query(withPassword(url, password), 'SELECT 1').then(
    () => 'ok',
    (error: { code?: string }) => error.code ?? String(error),
  );

const passwordFile = (dataDir: string) => join(dataDir, 'postgres-password');

describe('the embedded PostgreSQL superuser', () => {
  const running: EmbeddedPostgres[] = [];
  const dataDirs: string[] = [];
  const newDataDir = async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'commerce-pg-password-'));
    dataDirs.push(dataDir);
    return dataDir;
  };

  afterEach(async () => {
    for (const server of running.splice(0)) await server.stop();
    for (const dataDir of dataDirs.splice(0)) {
      const cleanup = await startEmbeddedPostgres({ dataDir, logger, persistent: false }).catch(() => undefined);
      await cleanup?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('has a password of its DATA_DIR, kept there readable by its owner only, and not the former constant', async () => {
    const [first, second] = [await newDataDir(), await newDataDir()];
    const servers = [await startEmbeddedPostgres({ dataDir: first, logger }), await startEmbeddedPostgres({ dataDir: second, logger })];
    running.push(...servers);
    const passwords = servers.map((server) => decodeURIComponent(new URL(server.url).password));

    expect(passwords[0]).not.toBe(passwords[1]);
    expect(passwords[0]).not.toBe(formerPassword);
    expect((await readFile(passwordFile(first), 'utf8')).trim()).toBe(passwords[0]);
    expect((await stat(passwordFile(first))).mode & 0o777).toBe(0o600);
    expect(await loginWith(servers[0]!.url, formerPassword)).toBe('28P01'); // invalid_password
  });

  it('listens on 127.0.0.1 only', async () => {
    const server = await startEmbeddedPostgres({ dataDir: await newDataDir(), logger });
    running.push(server);
    expect(await query(server.url, 'SHOW listen_addresses')).toEqual([{ listen_addresses: '127.0.0.1' }]);
  });

  it('of a cluster made with the former constant password gets a generated one, and the cluster keeps its data', async () => {
    const dataDir = await newDataDir();
    const made = await startEmbeddedPostgres({ dataDir, logger });
    await query(made.url, `CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (5); ALTER ROLE postgres PASSWORD '${formerPassword}'`);
    await made.stop();
    await makeItLookOlder(dataDir);

    const server = await startEmbeddedPostgres({ dataDir, logger });
    running.push(server);
    const password = decodeURIComponent(new URL(server.url).password);
    expect(password).not.toBe(formerPassword);
    expect((await readFile(passwordFile(dataDir), 'utf8')).trim()).toBe(password);
    expect((await stat(passwordFile(dataDir))).mode & 0o777).toBe(0o600);
    expect(await query(server.url, 'SELECT id FROM kept')).toEqual([{ id: 5 }]);
    expect(await loginWith(server.url, formerPassword)).toBe('28P01');
  });
});

/**
 * Turns a DATA_DIR into what earlier versions left: no id nor password file in it and, as root, its
 * cluster in the shared folder under a hash of the DATA_DIR's path, linked from DATA_DIR/postgres.
 */
async function makeItLookOlder(dataDir: string): Promise<void> {
  const link = join(dataDir, 'postgres');
  const clusterDir = await realpath(link);
  await rm(join(clusterDir, 'esdb-commerce-cluster-id'), { force: true });
  await rm(join(dataDir, 'postgres-cluster-id'), { force: true });
  await rm(passwordFile(dataDir), { force: true });
  if (!isRoot()) return;
  const pathHash = createHash('sha256').update(await realpath(dataDir)).digest('hex').slice(0, 16);
  const formerDir = join(dirname(clusterDir), pathHash);
  await rename(clusterDir, formerDir);
  await unlink(link);
  await symlink(formerDir, link);
}
