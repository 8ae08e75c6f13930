import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles } from './source-imports.ts';

/** What the services build on may not know them: they import infra/, never the other way round. */
const services = ['command-services/', 'query-api/', 'projections/'];

/**
 * The composition roots: they start the process (launcher) or run a tool over the read models (cli),
 * so they are where infra/ and the services meet, by design. Nothing under infra/ imports them.
 */
const compositionRoots = ['infra/launcher/', 'infra/cli/'];

const applicationFolders = ['domain', 'infra', 'command-services', 'query-api', 'projections'];

describe('the layering of the source', () => {
  it('infra/ imports nothing from the services, apart from the composition roots that wire them', () => {
    const offending = sourceFiles(['infra'])
      .filter((file) => !compositionRoots.some((root) => file.startsWith(root)))
      .flatMap((file) => importsOf(file).map((imported) => ({ file, imported })))
      .filter(({ imported }) => services.some((service) => imported.startsWith(service)))
      .map(({ file, imported }) => `${file} -> ${imported}`);
    expect(offending).toEqual([]);
  });

  it('nothing outside the composition roots imports them', () => {
    const offending = sourceFiles(applicationFolders)
      .filter((file) => !compositionRoots.some((root) => file.startsWith(root)))
      .flatMap((file) => importsOf(file).map((imported) => ({ file, imported })))
      .filter(({ imported }) => compositionRoots.some((root) => imported.startsWith(root)))
      .map(({ file, imported }) => `${file} -> ${imported}`);
    expect(offending).toEqual([]);
  });

  it('no two source files depend on each other, even through types', () => {
    expect(importCycles(applicationFolders)).toEqual([]);
  });

  it('would see a cycle (the check itself)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cyclesIn(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});

function importCycles(folders: readonly string[]): string[][] {
  return cyclesIn(new Map(sourceFiles(folders).map((file) => [file, importsOf(file)])));
}

/** Strongly connected components of more than one file (Tarjan), each sorted, so a cycle reads the same every run. */
function cyclesIn(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];

  const visit = (file: string): void => {
    index.set(file, index.size);
    lowLink.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        lowLink.set(file, Math.min(lowLink.get(file)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(file, Math.min(lowLink.get(file)!, index.get(next)!));
      }
    }
    if (lowLink.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) cycles.push(component.sort());
  };

  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}
