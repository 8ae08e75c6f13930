import { randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';

/**
 * The content of `path`, or `value` written there when it does not exist yet. Written under a temporary
 * name and linked into place: the file is complete whenever it exists, and of two processes making it at
 * once, both end up with the one that was linked first.
 */
export async function readOrMakeOnce(path: string, value: string, options: { mode: number }): Promise<string> {
  const existing = await readTrimmed(path);
  if (existing !== undefined) return existing;
  const partial = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  await writeFile(partial, `${value}\n`, { mode: options.mode });
  try {
    await link(partial, path);
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readTrimmed(path);
    if (winner === undefined) throw new Error(`${path} is empty: delete it to have it made again`, { cause: error });
    return winner;
  } finally {
    await rm(partial, { force: true });
  }
}

/** The file's content without surrounding whitespace; undefined when it is missing or blank. */
export async function readTrimmed(path: string): Promise<string | undefined> {
  const content = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const value = content?.trim();
  return value ? value : undefined;
}
