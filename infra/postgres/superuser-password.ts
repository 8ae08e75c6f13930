import { randomBytes } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { readOrMakeOnce } from './file-made-once.ts';

/** What every embedded cluster was given before passwords were generated per DATA_DIR. */
const formerPassword = 'postgres';

/**
 * The superuser password of the DATA_DIR's cluster, generated on first start and kept in
 * DATA_DIR/postgres-password, readable by its owner only. Hex, so it goes into a URL as it is.
 */
export async function superuserPassword(dataDir: string): Promise<string> {
  const path = join(dataDir, 'postgres-password');
  const password = await readOrMakeOnce(path, randomBytes(24).toString('hex'), { mode: 0o600 });
  await chmod(path, 0o600); // a copy or an editor may have widened it
  return password;
}

/**
 * Makes sure the superuser logs in with `password` on the running server at `url(password)`. A cluster made
 * before passwords were generated still has the former constant: log in with that once and replace it.
 * The password file is written before, so a crash in between only means doing it again at the next start.
 */
export async function ensureSuperuserPassword(options: {
  url: (password: string) => string;
  password: string;
  logger: Logger;
}): Promise<void> {
  const { url, password } = options;
  const failure = await logIn(url(password), async () => undefined);
  if (failure === undefined) return;
  if (failure.code !== invalidPassword) throw failure;

  const replaced = await logIn(url(formerPassword), async (client) => {
    await client.query(`ALTER ROLE CURRENT_USER PASSWORD ${client.escapeLiteral(password)}`);
  });
  if (replaced !== undefined) {
    throw new Error(
      'the PostgreSQL superuser does not log in with the password in DATA_DIR/postgres-password: ' +
        'restore the file this cluster was made with, or start with a new DATA_DIR',
      { cause: failure },
    );
  }
  options.logger.warn('replaced the former constant superuser password with the one in DATA_DIR/postgres-password');
}

/** SQLSTATE 28P01, invalid_password. */
const invalidPassword = '28P01';

/** Runs `work` logged in at `url`; resolves with the error instead of throwing it. */
async function logIn(url: string, work: (client: pg.Client) => Promise<void>): Promise<(Error & { code?: string }) | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // an error of the connection itself also fails connect() or the query
  try {
    await client.connect();
    await work(client);
    return undefined;
  } catch (error) {
    return error as Error & { code?: string };
  } finally {
    await client.end().catch(() => undefined);
  }
}
