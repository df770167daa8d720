#!/usr/bin/env node
// Set-up step: installs whatever this project needs that is missing, and is quick when
// nothing is. Plain Node with no dependencies, because it runs before `npm ci`.
//
// Order: Debian packages → npm packages → TypeScript build → engine bundle → Python venv
// with the pinned wasmtime → native addon. Each missing piece is named before it is
// installed; every external command has a timeout; a failure says what to run by hand and
// exits non-zero.
//
// Usage: node scripts/setup.mjs [--quiet]
//   --quiet  print only what is being installed, and failures

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');

/** The exact wasmtime release the workbench measures; change it deliberately, never float. */
export const WASMTIME_PYTHON_VERSION = '50.0.1';

/** Debian packages, each with why it is needed. */
const DEBIAN_PACKAGES = [
  ['clang-19', 'compiles the suites to wasm32-wasi and to native code'],
  ['lld-19', 'links wasm32-wasi programs (wasm-ld)'],
  ['llvm-19-dev', 'LLVM 19 headers and libLLVM-19.so for the engine addon'],
  ['wasi-libc', 'C library for wasm32-wasi programs'],
  ['libclang-rt-19-dev-wasm32', 'compiler-rt builtins for wasm32'],
  ['wabt', 'wast2json / wat2wasm for the spec tests'],
  ['binaryen', 'wasm-opt --translate-to-fuzz for differential fuzzing'],
  ['g++', 'builds the native addon'],
  ['make', 'builds the native addon'],
  ['chromium', 'headless browser for the report page test'],
];

const TIMEOUT_APT_MS = 20 * 60_000;
const TIMEOUT_NPM_MS = 10 * 60_000;
const TIMEOUT_PIP_MS = 10 * 60_000;
const TIMEOUT_BUILD_MS = 10 * 60_000;

function say(message) {
  if (!quiet) console.log(`[setup] ${message}`);
}
function announce(message) {
  console.log(`[setup] ${message}`);
}
function fail(what, fix) {
  console.error(`[setup] FAILED: ${what}`);
  if (fix) console.error(`[setup] To fix it by hand, run: ${fix}`);
  process.exit(1);
}

/** Runs a command with a timeout; output goes to the terminal unless captured. */
function run(command, commandArgs, { timeout, capture = false, env, cwd = root } = {}) {
  const result = spawnSync(command, commandArgs, {
    cwd,
    env: { ...process.env, ...env },
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    encoding: 'utf8',
    timeout,
    killSignal: 'SIGKILL',
  });
  const timedOut = result.error?.code === 'ETIMEDOUT' || (result.signal === 'SIGKILL' && timeout);
  return {
    ok: result.status === 0,
    status: result.status,
    timedOut: Boolean(timedOut),
    error: result.error,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
  };
}

function describeFailure(result) {
  if (result.timedOut) return 'timed out';
  if (result.error) return result.error.message;
  return `exit code ${result.status}`;
}

// ---------------------------------------------------------------- Debian packages

function missingDebianPackages() {
  const names = DEBIAN_PACKAGES.map(([name]) => name);
  const query = run('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...names], { capture: true, timeout: 30_000 });
  const installed = new Set(
    query.stdout
      .split('\n')
      .filter((line) => line.endsWith(' installed'))
      .map((line) => line.split(' ')[0]),
  );
  return DEBIAN_PACKAGES.filter(([name]) => !installed.has(name));
}

function ensureDebianPackages() {
  if (!existsSync('/usr/bin/dpkg-query')) {
    say('not a Debian system: skipping the Debian package check (install clang-19, lld-19, llvm-19-dev, wasi-libc, wabt, binaryen by other means)');
    return;
  }
  const missing = missingDebianPackages();
  if (missing.length === 0) {
    say('Debian packages: all present');
    return;
  }
  const names = missing.map(([name]) => name);
  for (const [name, why] of missing) announce(`missing Debian package ${name} (${why})`);
  const fix = `sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`;
  if (process.getuid?.() !== 0) fail(`Debian packages missing: ${names.join(', ')} (not root, so not installing them)`, fix);
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' };
  const aptArgs = ['-o', 'DPkg::Lock::Timeout=120', 'install', '-y', '-q', '--no-install-recommends', ...names];
  announce(`apt-get install ${names.join(' ')}`);
  let result = run('apt-get', aptArgs, { timeout: TIMEOUT_APT_MS, env: aptEnv });
  if (!result.ok) {
    announce('apt-get install failed; refreshing package lists and trying once more');
    const update = run('apt-get', ['-o', 'DPkg::Lock::Timeout=120', 'update', '-q'], { timeout: TIMEOUT_APT_MS, env: aptEnv });
    if (!update.ok) fail(`apt-get update (${describeFailure(update)})`, fix);
    result = run('apt-get', aptArgs, { timeout: TIMEOUT_APT_MS, env: aptEnv });
  }
  if (!result.ok) fail(`apt-get install ${names.join(' ')} (${describeFailure(result)})`, fix);
  const still = missingDebianPackages();
  if (still.length > 0) fail(`still missing after apt-get: ${still.map(([n]) => n).join(', ')}`, fix);
}

// ---------------------------------------------------------------- npm packages

function ensureNpmPackages() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh) {
    say('npm packages: up to date');
    return;
  }
  announce(existsSync(marker) ? 'package-lock.json changed: npm ci' : 'npm packages missing: npm ci');
  const result = run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { timeout: TIMEOUT_NPM_MS });
  if (!result.ok) fail(`npm ci (${describeFailure(result)})`, 'npm ci');
}

// ---------------------------------------------------------------- TypeScript build

function ensureTypeScriptBuild() {
  say('TypeScript: tsc -b (incremental)');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = run(process.execPath, [tsc, '-b'], { timeout: TIMEOUT_BUILD_MS });
  if (!result.ok) fail(`TypeScript build (${describeFailure(result)})`, 'npx tsc -b');
}

// ---------------------------------------------------------------- engine bundle

/** The one-file bundle the package entry loads (scripts/bundle-engine.mjs); quick when current. */
async function ensureEngineBundle() {
  const { ensureEngineBundle: bundle } = await import('./bundle-engine.mjs');
  try {
    if (await bundle()) announce('engine bundle: dist/engine/startup/engine.cjs rebuilt');
    else say('engine bundle: up to date');
  } catch (error) {
    fail(`bundling the engine (${error instanceof Error ? error.message : String(error)})`, 'node scripts/bundle-engine.mjs');
  }
}

// ---------------------------------------------------------------- Python venv with wasmtime

function pythonCommand() {
  for (const candidate of ['python3', 'python']) {
    const probe = run(candidate, ['-c', 'import sys, venv; print(sys.version_info[0])'], { capture: true, timeout: 30_000 });
    if (probe.ok && probe.stdout.trim() === '3') return candidate;
  }
  return undefined;
}

function ensureWasmtimeVenv() {
  const venv = join(root, '.venv');
  const venvPython = join(venv, 'bin', 'python');
  if (existsSync(venvPython)) {
    const probe = run(venvPython, ['-c', "import importlib.metadata as m, wasmtime; print(m.version('wasmtime'))"], { capture: true, timeout: 60_000 });
    if (probe.ok && probe.stdout.trim() === WASMTIME_PYTHON_VERSION) {
      say(`Python venv: wasmtime ${WASMTIME_PYTHON_VERSION}`);
      return;
    }
    announce(`Python venv has ${probe.ok ? `wasmtime ${probe.stdout.trim()}` : 'no working wasmtime'}; installing wasmtime==${WASMTIME_PYTHON_VERSION}`);
  } else {
    announce(`Python venv .venv missing: creating it with wasmtime==${WASMTIME_PYTHON_VERSION}`);
  }
  if (!existsSync(venvPython)) {
    const python = pythonCommand();
    if (!python) fail('no python3 with the venv module on PATH', 'sudo apt-get install -y python3 python3-venv');
    const created = run(python, ['-m', 'venv', venv], { timeout: TIMEOUT_PIP_MS });
    if (!created.ok) fail(`python3 -m venv .venv (${describeFailure(created)})`, 'sudo apt-get install -y python3-venv && python3 -m venv .venv');
  }
  const pip = run(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `wasmtime==${WASMTIME_PYTHON_VERSION}`], { timeout: TIMEOUT_PIP_MS });
  if (!pip.ok) fail(`pip install wasmtime==${WASMTIME_PYTHON_VERSION} (${describeFailure(pip)})`, `.venv/bin/python -m pip install wasmtime==${WASMTIME_PYTHON_VERSION}`);
}

// ---------------------------------------------------------------- native addon

function ensureNativeAddon() {
  const binding = join(root, 'engine', 'native', 'binding.gyp');
  if (!existsSync(binding)) return; // the engine's back end is not in this checkout yet
  const built = join(root, 'engine', 'native', 'build', 'Release', 'wasm_llvm_native.node');
  const stamp = join(root, 'engine', 'native', 'build', 'sources.stamp');
  const sourcesStamp = nativeSourcesStamp();
  if (existsSync(built) && existsSync(stamp) && readFileSync(stamp, 'utf8') === sourcesStamp) {
    say('native addon: up to date');
    return;
  }
  announce('native addon: building with node-gyp (about a minute)');
  const gyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const result = run(process.execPath, [gyp, 'rebuild', '--jobs', 'max', ...localNodeHeaders()], { timeout: TIMEOUT_BUILD_MS, cwd: join(root, 'engine', 'native') });
  if (!result.ok) fail(`native addon build (${describeFailure(result)})`, 'cd engine/native && npx node-gyp rebuild');
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, sourcesStamp);
}

/**
 * `--nodedir` pointing at the running Node's own headers (Debian/NodeSource packages install
 * them in /usr/include/node), when their version matches: otherwise node-gyp downloads a
 * header tarball from nodejs.org, which fails on machines with no network but registries.
 */
function localNodeHeaders() {
  const prefix = dirname(dirname(process.execPath));
  const versionHeader = join(prefix, 'include', 'node', 'node_version.h');
  if (!existsSync(versionHeader)) return [];
  const text = readFileSync(versionHeader, 'utf8');
  const part = (name) => text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
  const version = `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  return version === process.version ? ['--nodedir', prefix] : [];
}

function nativeSourcesStamp() {
  const dir = join(root, 'engine', 'native');
  const listing = run('git', ['ls-files', '-s', '--', '.'], { capture: true, timeout: 30_000, cwd: dir });
  // Sizes and modification times of the tracked and untracked sources: cheap and good enough.
  const files = run('find', ['.', '-path', './build', '-prune', '-o', '-type', 'f', '-printf', '%p %s %T@\n'], { capture: true, timeout: 30_000, cwd: dir });
  return `${process.versions.node}\n${listing.stdout}\n${files.stdout.split('\n').sort().join('\n')}`;
}

// ---------------------------------------------------------------- main

const started = Date.now();
ensureDebianPackages();
ensureNpmPackages();
ensureTypeScriptBuild();
await ensureEngineBundle();
ensureWasmtimeVenv();
ensureNativeAddon();
say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
