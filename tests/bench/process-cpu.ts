/**
 * CPU time of a process and its children, from /proc (Linux only; elsewhere undefined), to show
 * which process a benchmark phase kept busy. Children that already exited count once their
 * parent has reaped them (cutime/cstime).
 */
import { readdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';

const ticksPerSecond = 100; // USER_HZ on Linux

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

async function procStat(pid: number): Promise<ProcStat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!text) return undefined;
  // The command name (field 2) may hold spaces: the fields after it follow the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return { ppid: field(4), ticks: field(14) + field(15) + field(16) + field(17) };
}

/** Seconds of CPU used so far by `pid` and every live descendant (and the reaped ones). */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  const root = await procStat(pid);
  if (!root) return undefined;
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const stats = new Map<number, ProcStat>();
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        const stat = await procStat(Number(entry));
        if (stat) stats.set(Number(entry), stat);
      }),
  );
  let ticks = root.ticks;
  const pending = [pid];
  while (pending.length > 0) {
    const parent = pending.pop()!;
    for (const [child, stat] of stats) {
      if (stat.ppid !== parent) continue;
      ticks += stat.ticks;
      pending.push(child);
    }
  }
  return ticks / ticksPerSecond;
}

/** Seconds of CPU this process has used. */
export const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/** The 1-minute load average: above the core count, other processes took turns with the benchmark. */
export const loadAverage = () => loadavg()[0]!.toFixed(1);
