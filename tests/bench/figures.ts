/** Small helpers to print benchmark figures the same way everywhere. */

export const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function report(label: string, figures: Record<string, string | number>) {
  const parts = Object.entries(figures).map(([key, value]) => `${key}=${typeof value === 'number' ? value.toLocaleString('en-US') : value}`);
  console.log(`${label.padEnd(48)} ${parts.join('  ')}`);
}
