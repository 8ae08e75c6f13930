import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** The repository root: every path below is relative to it, with forward slashes. */
export const repositoryRoot = resolve(import.meta.dirname, '../..');

/** The TypeScript files under these top-level folders, generated code included. */
export function sourceFiles(folders: readonly string[]): string[] {
  return folders.flatMap((folder) => walk(join(repositoryRoot, folder))).map(toRepositoryPath);
}

/**
 * The repository files a source file imports, type-only imports and re-exports included (a type
 * import is a dependency too: it is how the cycles this guards against began). Packages are left out.
 */
export function importsOf(file: string): string[] {
  const text = readFileSync(join(repositoryRoot, file), 'utf8');
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => toRepositoryPath(resolve(dirname(join(repositoryRoot, file)), specifier)));
}

function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function toRepositoryPath(path: string): string {
  return relative(repositoryRoot, path).split('\\').join('/');
}
