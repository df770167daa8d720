// Stage: conformance tests (JS API). Where the browser engines' WebAssembly JS API tests are
// (the web-platform-tests `wasm/jsapi` files of the WebAssembly/spec repository, read in
// place, never copied): $WASM_JS_API_TESTS if set, else ../shared/wasm-js-api next to the
// repository. Which files run (every `.any.js` except proposals' `*.tentative.any.js` and
// the memory64 files) and what each needs first (its `// META: script=` lines).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repositoryRoot } from '../spec/testsuite-location.js';

export function jsApiTestsDirectory(): string {
  return process.env.WASM_JS_API_TESTS
    ? resolve(process.env.WASM_JS_API_TESTS)
    : resolve(repositoryRoot(), '..', 'shared', 'wasm-js-api');
}

/** The harness (web-platform-tests' testharness.js) inside the tests directory. */
export function harnessPath(directory = jsApiTestsDirectory()): string {
  return join(directory, 'harness', 'testharness.js');
}

function collect(directory: string, found: string[]): void {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) collect(path, found);
    else if (name.endsWith('.any.js')) found.push(path);
  }
}

/** Whether a test file is part of the conformance run: not a proposal's, not memory64's. */
export function isConformanceFile(relativePath: string): boolean {
  return !relativePath.endsWith('.tentative.any.js') && !relativePath.includes('memory64');
}

/** The test files, as paths relative to js-api/ (e.g. "memory/grow.any.js"), sorted. */
export function listConformanceFiles(directory = jsApiTestsDirectory()): string[] {
  const root = join(directory, 'js-api');
  if (!existsSync(root)) return [];
  const found: string[] = [];
  collect(root, found);
  return found
    .map((path) => relative(root, path).split('\\').join('/'))
    .filter(isConformanceFile)
    .sort();
}

/** Why the JS API tests cannot run here, or undefined when they can. */
export function jsApiUnavailableReason(directory = jsApiTestsDirectory()): string | undefined {
  if (!existsSync(directory)) return `JS API tests not found at ${directory} (set WASM_JS_API_TESTS)`;
  if (!existsSync(harnessPath(directory))) return `no harness/testharness.js in ${directory}`;
  if (listConformanceFiles(directory).length === 0) return `no .any.js files under ${join(directory, 'js-api')}`;
  return undefined;
}

export interface TestFileMeta {
  /** Absolute paths of the helper scripts to load before the test, in order. */
  readonly scripts: string[];
  /** `// META: timeout=long`: the test needs more time than usual. */
  readonly long: boolean;
}

/**
 * The META lines of a test file. `script=/wasm/jsapi/x.js` names js-api/x.js (the WPT
 * server's path); a relative `script=x.js` is relative to the test file's folder.
 */
export function readMeta(relativePath: string, directory = jsApiTestsDirectory()): TestFileMeta {
  const root = join(directory, 'js-api');
  const file = join(root, relativePath);
  const scripts: string[] = [];
  let long = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\/\/\s*META:\s*(\w+)=(.*)$/.exec(line.trim());
    if (match === null) continue;
    const [, key, value] = match;
    if (key === 'script') {
      const name = value.trim();
      scripts.push(name.startsWith('/wasm/jsapi/') ? join(root, name.slice('/wasm/jsapi/'.length)) : resolve(dirname(file), name));
    } else if (key === 'timeout' && value.trim() === 'long') {
      long = true;
    }
  }
  return { scripts, long };
}
