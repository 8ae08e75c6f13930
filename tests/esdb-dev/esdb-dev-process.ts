import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const mainScript = fileURLToPath(new URL('../../infra/esdb-dev/main.ts', import.meta.url));

export interface EsdbDevProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  output: () => string;
  /** Resolves with the exit code (or the signal name) when the process is gone. */
  exited: Promise<number | string>;
}

/** Runs `infra/esdb-dev/main.ts` as a child process, as `npm run esdb-dev` would, and waits for its URL. */
export async function startEsdbDevProcess(args: string[]): Promise<EsdbDevProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainScript, ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`esdb-dev did not start:\n${output}`)), 20_000);
    const check = () => {
      const match = /listening on (esdb:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`esdb-dev exited (${code}) before listening:\n${output}`));
    });
  });
  return { child, url, output: () => output, exited };
}

/** Kills the process without letting it flush or close anything, like a power cut would. */
export async function killHard(process: EsdbDevProcess): Promise<void> {
  process.child.kill('SIGKILL');
  await process.exited;
}
