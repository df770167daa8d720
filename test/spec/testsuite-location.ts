// Stage: conformance tests. Where the WebAssembly spec test suite (the .wast files) is:
// $WASM_SPEC_TESTSUITE if set, else ../shared/wasm-testsuite next to the repository.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory above this file with our package.json. */
export function repositoryRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === 'wasm-llvm-jit') return directory;
      } catch {
        // not ours; keep looking
      }
    }
    const parent = dirname(directory);
    if (parent === directory) throw new Error('repository root not found');
    directory = parent;
  }
}

export function testsuiteDirectory(): string {
  return process.env.WASM_SPEC_TESTSUITE
    ? resolve(process.env.WASM_SPEC_TESTSUITE)
    : resolve(repositoryRoot(), '..', 'shared', 'wasm-testsuite');
}

/** The top-level .wast files (WebAssembly 2.0; proposals/ is not included), sorted. */
export function listTopLevelWastFiles(directory = testsuiteDirectory()): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((name) => name.endsWith('.wast'))
    .sort()
    .map((name) => join(directory, name));
}

/** Why the spec tests cannot run here, or undefined when they can. */
export function testsuiteUnavailableReason(): string | undefined {
  const directory = testsuiteDirectory();
  if (!existsSync(directory)) return `spec test suite not found at ${directory} (set WASM_SPEC_TESTSUITE)`;
  if (listTopLevelWastFiles(directory).length === 0) return `no .wast files in ${directory}`;
  if (!existsSync(WAST2JSON)) return `${WAST2JSON} not installed (Debian package wabt)`;
  return undefined;
}

export const WAST2JSON = process.env.WAST2JSON ?? '/usr/bin/wast2json';
