import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface ReadinessWait {
  /** The postmaster's pid file: its 8th line says `ready` once startup is over (what pg_ctl waits for). */
  pidFile: string;
  pid: number;
  url: string;
  timeoutMs: number;
  /** Why the postmaster ended, once it has: waiting on stops at once. */
  exitReason: () => string | undefined;
}

export class PostmasterExitedError extends Error {}

/**
 * Resolves once a client can connect and run `SELECT 1`. The pid file's status gates the first attempt
 * only so that early connections do not fill the log with "the database system is starting up"; the query
 * is the proof. Never parses log lines, which depend on the locale.
 */
export async function waitUntilReady(wait: ReadinessWait): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const exitReason = wait.exitReason();
    if (exitReason !== undefined) {
      throw new PostmasterExitedError(`postgres exited before accepting connections (${exitReason})`);
    }
    if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${wait.timeoutMs} ms`);
    if ((await pidFileSaysReady(wait.pidFile, wait.pid)) && (await answersSelectOne(wait.url))) return;
    await sleep(50);
  }
}

async function pidFileSaysReady(pidFile: string, pid: number): Promise<boolean> {
  const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  return lines[0] === String(pid) && lines[7]?.trim() === 'ready';
}

async function answersSelectOne(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000, query_timeout: 2_000 });
  client.on('error', () => undefined); // a failed attempt is only a "not yet"
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    // A refused password is an answer too: which password the cluster takes is settled once it is up.
    return (error as { code?: string }).code === '28P01';
  } finally {
    await client.end().catch(() => undefined);
  }
}
