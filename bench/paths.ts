// Where things live in the repository, resolved from this file so that the workbench
// works from any current directory, from source (vitest) and from dist/ (node).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepositoryRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, 'suites'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) throw new Error('cannot find the repository root above ' + fileURLToPath(import.meta.url));
    directory = parent;
  }
}

export const repositoryRoot = findRepositoryRoot();
export const suitesDirectory = join(repositoryRoot, 'suites');
export const resultsDirectory = join(repositoryRoot, 'results');
/** Machine-specific build outputs (native executables, caches): never committed. */
export const buildDirectory = join(repositoryRoot, 'build');
export const distDirectory = join(repositoryRoot, 'dist');
export const pythonVenv = join(repositoryRoot, '.venv');
/** The venv's Python, which has the pinned wasmtime package (scripts/setup.mjs). */
export const venvPython = join(pythonVenv, 'bin', 'python');
