// Stage: start-up. Loads the engine from its one-file CommonJS bundle (engine.cjs beside this
// file, made from dist/engine/ by scripts/bundle-engine.mjs) through node:vm, with a V8 code
// cache of the engine's own JavaScript kept on disk (docs/RATIONALE.md, "Why is the engine
// loaded from one bundle with a V8 code cache?").
//
// Without it, a process that loads the engine as ES modules reads and links about a hundred
// files, and V8 compiles each function of the engine the first time it runs: the first
// compile, instantiate and call of every process pay for compiling the engine itself. With
// it, V8 takes the bytecode of every function an earlier process ran from the cache.
//
// Start-up cache file (<directory>/<key>.v8cache, key = SHA-256 of the bundle's hash and
// path, Node's version, the architecture and the V8 flags of the process):
//   "WLJSTART" | u32 format | SHA-256 of the payload | payload (V8's code cache)
// V8 checks its own version, flags and the source's length; we check the rest: the bundle is
// hashed when loaded (a bundle edited in place gets another key), and a file whose magic,
// format or checksum do not match is deleted, never given to V8. The cache is written when
// the process exits, atomically (a temporary file renamed into place), when there was none,
// V8 rejected it, or the process compiled more of the engine than the cache held; the folder
// keeps the newest eight files. Whoever can write the folder can run code in the process, as
// with the code cache's object files: it must be as trusted as the engine's own files.
// WASM_LLVM_STARTUP_CACHE: 0 turns it off, a path puts it there; by default it lives in
// <the code cache's default directory>/startup. WASM_LLVM_BUNDLE=0: no bundle at all.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { defaultCacheDirectory } from '../compile/cache-directory.js';
import { BUNDLE_FILE, currentManifest } from '../compile/bundle-manifest.js';

/** What became of the start-up cache in this load. */
export type StartupCacheState =
  | 'off' // WASM_LLVM_STARTUP_CACHE=0
  | 'miss' // no cache file for this bundle, Node and flags
  | 'hit' // V8 took the cache
  | 'rejected' // V8 refused it (another V8 build or flags); written again at exit
  | 'damaged'; // our checks failed (truncated, bit-flipped, other format): deleted

/** How a process loaded the engine: as modules, or from the bundle with the cache's state. */
export interface EngineStartup {
  readonly from: 'bundle' | 'modules';
  readonly cache: StartupCacheState | undefined;
}

export interface BundledEngine<Exports> {
  readonly exports: Exports;
  readonly cache: StartupCacheState;
  /** The cache file of this bundle, Node and flags (undefined when off). */
  readonly cacheFile: string | undefined;
  /** Writes the cache file now if this process compiled more of the engine than it holds (done at exit unless BundleLoader.saveAtExit is false). */
  readonly saveCache: () => void;
}

/** How a thread loads the bundle. */
export interface BundleLoader {
  /**
   * A thread that runs other parts of the engine than a program's thread (the translation
   * worker) keeps a cache file of its own: one file per role, so that the two do not replace
   * each other's.
   */
  readonly role?: string;
  /** false: no write at exit (a worker thread's 'exit' event does not come when the process ends); the caller calls saveCache. */
  readonly saveAtExit?: boolean;
}

export interface BundleLocation {
  /** The folder of engine.cjs and its manifest (dist/engine/startup). */
  readonly startupDirectory: string;
  /** What the manifest's paths are relative to (dist/engine). */
  readonly engineRoot: string;
  /** Where the start-up cache lives; undefined: no cache. */
  readonly cacheDirectory: string | undefined;
}

const MAGIC = Buffer.from('WLJSTART', 'latin1');
const FORMAT_VERSION = 1;
const HEADER_BYTES = MAGIC.length + 4 + 32;
/** Cache files kept per folder (a few hundred KB each). */
const MAX_CACHE_FILES = 8;
const ABANDONED_TMP_MS = 60 * 60_000;

/** The start-up cache's folder from WASM_LLVM_STARTUP_CACHE (0: none; a path; default). */
export function startupCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = environment.WASM_LLVM_STARTUP_CACHE;
  if (setting === '0') return undefined;
  if (setting !== undefined && setting !== '' && setting !== '1') return setting;
  return join(defaultCacheDirectory(environment), 'startup');
}

/** This build's bundle: beside this file once compiled to dist/engine/startup/; none with WASM_LLVM_BUNDLE=0. */
export function defaultBundleLocation(): BundleLocation | undefined {
  if (process.env.WASM_LLVM_BUNDLE === '0') return undefined;
  const startupDirectory = dirname(fileURLToPath(import.meta.url));
  return { startupDirectory, engineRoot: dirname(startupDirectory), cacheDirectory: startupCacheDirectory() };
}

function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The cache payload in `file` if it is whole, else undefined (a damaged file is deleted). */
function readCacheFile(file: string): { payload: Buffer | undefined; damaged: boolean } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return { payload: undefined, damaged: false };
  }
  const payload = bytes.subarray(HEADER_BYTES);
  const whole =
    bytes.length > HEADER_BYTES &&
    bytes.subarray(0, MAGIC.length).equals(MAGIC) &&
    bytes.readUInt32LE(MAGIC.length) === FORMAT_VERSION &&
    bytes.subarray(MAGIC.length + 4, HEADER_BYTES).equals(sha256(payload));
  if (whole) return { payload, damaged: false };
  try {
    unlinkSync(file);
  } catch {
    // Another process may have replaced or removed it already.
  }
  return { payload: undefined, damaged: true };
}

/**
 * Keeps the newest MAX_CACHE_FILES cache files of the folder (by mtime) and deletes the
 * rest, and temporary files left by killed writers: each build of the engine, Node version
 * and set of flags has a file of its own, and old builds' files would otherwise stay forever.
 */
function removeOldCacheFiles(directory: string): void {
  const entries = readdirSync(directory)
    .filter((name) => name.endsWith('.v8cache') || name.endsWith('.tmp'))
    .map((name) => {
      try {
        return { name, path: join(directory, name), mtimeMs: statSync(join(directory, name)).mtimeMs };
      } catch {
        return undefined; // removed by another process meanwhile
      }
    })
    .filter((entry) => entry !== undefined);
  const files = entries.filter((entry) => entry.name.endsWith('.v8cache')).sort((a, b) => b.mtimeMs - a.mtimeMs);
  // A temporary file an hour old belongs to a process killed while it wrote.
  const abandoned = entries.filter((entry) => entry.name.endsWith('.tmp') && entry.mtimeMs < Date.now() - ABANDONED_TMP_MS);
  for (const { path } of [...files.slice(MAX_CACHE_FILES), ...abandoned]) {
    try {
      unlinkSync(path);
    } catch {
      // Another process removed it first.
    }
  }
}

/** Writes `payload` as a cache file: a temporary file, then renamed into place; then trims the folder. */
export function writeCacheFile(file: string, payload: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(FORMAT_VERSION, MAGIC.length);
  sha256(payload).copy(header, MAGIC.length + 4);
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([header, payload]));
    renameSync(temporary, file);
    removeOldCacheFiles(dirname(file));
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
    throw error;
  }
}

/**
 * The options the process got, which include the V8 flags that decide whether V8 accepts a
 * code cache (so that processes with other flags keep files of their own instead of
 * replacing each other's); without the code of `-e`/`-p`, which is not a flag.
 */
function flagsOfThisProcess(): string {
  const options: string[] = [];
  for (let index = 0; index < process.execArgv.length; index++) {
    const option = process.execArgv[index];
    if (option === '-e' || option === '--eval' || option === '-p' || option === '--print') index++;
    else if (!option.startsWith('--eval=') && !option.startsWith('--print=')) options.push(option);
  }
  return `${options.join(' ')}\n${process.env.NODE_OPTIONS ?? ''}`;
}

/**
 * The bundle's exports, run in this context, or undefined when there is no current bundle
 * (running from the TypeScript sources, a build that changed files after bundling, or
 * WASM_LLVM_BUNDLE=0: the modules, whose stack traces map to the sources).
 */
export function loadBundledEngine<Exports = unknown>(location: BundleLocation | undefined = defaultBundleLocation(), loader: BundleLoader = {}): BundledEngine<Exports> | undefined {
  if (location === undefined) return undefined;
  const manifest = currentManifest(location.startupDirectory, location.engineRoot);
  if (typeof manifest === 'string') return undefined;
  const bundlePath = join(location.startupDirectory, BUNDLE_FILE);
  let source: Buffer;
  try {
    source = readFileSync(bundlePath);
  } catch {
    return undefined;
  }
  const bundleHash = sha256(source).toString('hex');
  if (bundleHash !== manifest.sha256) return undefined;

  let cache: StartupCacheState = 'off';
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  if (location.cacheDirectory !== undefined) {
    // The bundle's path too: V8 restores the script's name from the cache, so a cache made by
    // another checkout of the same build would put that checkout's path in every stack trace.
    const role = loader.role === undefined ? '' : `\nrole ${loader.role}`;
    const key = sha256(`${bundleHash}\n${bundlePath}\n${process.version}\n${process.arch}\n${flagsOfThisProcess()}${role}`).toString('hex');
    cacheFile = join(location.cacheDirectory, `${key.slice(0, 40)}.v8cache`);
    const read = readCacheFile(cacheFile);
    cachedData = read.payload;
    cache = read.damaged ? 'damaged' : cachedData === undefined ? 'miss' : 'hit';
  }

  // The same wrapper as Node's CommonJS loader, so the bundle sees what a module would.
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source.toString('utf8')}\n})`;
  const script = new Script(wrapper, { filename: bundlePath, cachedData });
  if (cachedData !== undefined && script.cachedDataRejected === true) cache = 'rejected';
  const module = { exports: {} as Exports };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, location.startupDirectory);

  let saveCache = (): void => {};
  if (cacheFile !== undefined) {
    const file = cacheFile;
    let savedBytes = cache === 'hit' ? cachedData!.length : 0;
    saveCache = () => {
      try {
        const data = script.createCachedData();
        if (data.length > savedBytes) {
          writeCacheFile(file, data);
          savedBytes = data.length;
        }
      } catch {
        // Best effort: without a cache the next process compiles the engine lazily, as before.
      }
    };
    if (loader.saveAtExit !== false) process.once('exit', saveCache);
  }
  return { exports: module.exports, cache, cacheFile, saveCache };
}

/** What the package entries export as `engineStartup` for a load by loadBundledEngine. */
export function engineStartupOf(bundled: BundledEngine<unknown> | undefined): EngineStartup {
  return Object.freeze({ from: bundled !== undefined ? 'bundle' : 'modules', cache: bundled?.cache });
}
