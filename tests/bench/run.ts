/**
 * `npm run bench -- NAME [NAME…]`: runs benchmarks from this folder; each prints its own figures.
 * Benchmarks are never assertions: they measure and report.
 */
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = (await readdir(here))
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .sort();

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
if (requested.length === 0) {
  console.log(`usage: npm run bench -- NAME…  (available: ${available.join(', ')})`);
  process.exit(2);
}
for (const name of requested) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}" (available: ${available.join(', ')})`);
    process.exit(2);
  }
}
for (const name of requested) {
  const module = (await import(pathToFileURL(`${here}/${name}.bench.ts`).href)) as { run: () => Promise<void> };
  console.log(`\n== ${name} ==`);
  await module.run();
}
