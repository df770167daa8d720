// Tests of the start-up loader (bundled-engine.ts) and the package entry: a bundle is used
// only while it is current, the V8 code cache is written at exit and taken by the next
// process, a damaged or refused cache file is never given to V8 and is rebuilt, two
// processes writing at once leave a whole file, another checkout of the same bundle does not
// take this one's cache (stack traces would name the wrong files), and the real engine's bundle has the API of
// index.ts and shares code-cache entries with the modules. Processes run from dist/ (built
// by the set-up step that `npm test` runs first).

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';
import { BUNDLE_FILE, createManifest, describeInputs, MANIFEST_FILE } from '../compile/bundle-manifest.js';
import { loadBundledEngine, startupCacheDirectory } from './bundled-engine.js';

const root = repositoryRoot();
const loaderUrl = pathToFileURL(join(root, 'dist/engine/startup/bundled-engine.js')).href;

/** A small bundle with a few functions, so that V8 has something to cache. */
const FAKE_BUNDLE = `
exports.sum = function sum(values) { let total = 0; for (const value of values) total += value; return total; };
exports.describe = function describe(values) { return values.map((value) => ({ value, square: value * value })); };
`;

let folder: string;

function makeBundle(source = FAKE_BUNDLE): void {
  writeFileSync(join(folder, 'input.js'), '// what the bundle was made from\n');
  writeFileSync(join(folder, BUNDLE_FILE), source);
  const sha256 = createHash('sha256').update(source).digest('hex');
  writeFileSync(join(folder, MANIFEST_FILE), JSON.stringify(createManifest(sha256, describeInputs(folder, ['input.js']))));
}

/** Loads the fake bundle in a new process; what it says about the load and a call into it. */
function loadInChild(environment: Record<string, string> = {}): { cache: string | null; sum: number | null } {
  const script = `
    const { loadBundledEngine } = await import(${JSON.stringify(loaderUrl)});
    const folder = ${JSON.stringify(folder)};
    const loaded = loadBundledEngine({ startupDirectory: folder, engineRoot: folder, cacheDirectory: join(folder, 'cache') });
    console.log(JSON.stringify({ cache: loaded?.cache ?? null, sum: loaded === undefined ? null : loaded.exports.sum(loaded.exports.describe([1, 2, 3]).map((entry) => entry.square)) }));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', `import { join } from 'node:path';\n${script}`], {
    encoding: 'utf8',
    env: { ...process.env, ...environment },
    timeout: 60_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim()) as { cache: string | null; sum: number | null };
}

function cacheFiles(): string[] {
  try {
    return readdirSync(join(folder, 'cache')).filter((name) => name.endsWith('.v8cache'));
  } catch {
    return [];
  }
}

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'wasm-llvm-startup-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('the start-up cache', () => {
  test('the first process writes it at exit, the next one runs from it', () => {
    makeBundle();
    expect(loadInChild()).toEqual({ cache: 'miss', sum: 14 });
    expect(cacheFiles()).toHaveLength(1);
    expect(loadInChild()).toEqual({ cache: 'hit', sum: 14 });
    expect(loadInChild()).toEqual({ cache: 'hit', sum: 14 });
  });

  test.each([
    ['a flipped payload byte', (bytes: Buffer) => { bytes[bytes.length - 10] ^= 0x40; return bytes; }],
    ['a truncated file', (bytes: Buffer) => bytes.subarray(0, bytes.length >> 1)],
    ['another format', (bytes: Buffer) => { bytes.writeUInt32LE(99, 8); return bytes; }],
    ['a damaged magic', (bytes: Buffer) => { bytes[0] = 0; return bytes; }],
  ])('%s is detected, deleted and rebuilt, never given to V8', (_what, damage) => {
    makeBundle();
    loadInChild();
    const [name] = cacheFiles();
    const file = join(folder, 'cache', name);
    writeFileSync(file, damage(readFileSync(file)));
    expect(loadInChild()).toEqual({ cache: 'damaged', sum: 14 });
    expect(loadInChild()).toEqual({ cache: 'hit', sum: 14 });
  });

  test('a whole file V8 refuses (not a code cache at all) is rewritten', () => {
    makeBundle();
    loadInChild();
    const [name] = cacheFiles();
    const file = join(folder, 'cache', name);
    const bytes = readFileSync(file);
    const garbage = Buffer.alloc(bytes.length - 44, 0x5a);
    bytes.subarray(0, 12).copy(bytes, 0);
    createHash('sha256').update(garbage).digest().copy(bytes, 12);
    writeFileSync(file, Buffer.concat([bytes.subarray(0, 44), garbage]));
    expect(loadInChild()).toEqual({ cache: 'rejected', sum: 14 });
    expect(loadInChild()).toEqual({ cache: 'hit', sum: 14 });
  });

  test('another checkout of the same bundle gets a cache file of its own (V8 keeps the script name in it)', () => {
    // Two copies of one bundle, one cache folder: each process's stack traces name its own copy.
    const source = `${FAKE_BUNDLE}\nexports.where = function where() { return new Error('here').stack; };\n`;
    const copies = [join(folder, 'checkout-a'), join(folder, 'checkout-b')];
    for (const copy of copies) {
      mkdirSync(copy);
      writeFileSync(join(copy, 'input.js'), '// what the bundle was made from\n');
      writeFileSync(join(copy, BUNDLE_FILE), source);
      writeFileSync(join(copy, MANIFEST_FILE), JSON.stringify(createManifest(createHash('sha256').update(source).digest('hex'), describeInputs(copy, ['input.js']))));
    }
    const whereIn = (copy: string): { cache: string; stack: string } => {
      const script = `
        const { loadBundledEngine } = await import(${JSON.stringify(loaderUrl)});
        const loaded = loadBundledEngine({ startupDirectory: ${JSON.stringify(copy)}, engineRoot: ${JSON.stringify(copy)}, cacheDirectory: ${JSON.stringify(join(folder, 'cache'))} });
        console.log(JSON.stringify({ cache: loaded.cache, stack: loaded.exports.where() }));`;
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout.trim()) as { cache: string; stack: string };
    };
    for (const copy of [...copies, ...copies]) {
      const { stack } = whereIn(copy);
      expect(stack).toContain(join(copy, BUNDLE_FILE));
    }
    expect(whereIn(copies[1]).cache).toBe('hit');
    expect(cacheFiles()).toHaveLength(2);
  });

  test('other V8 flags get a cache file of their own', () => {
    makeBundle();
    loadInChild();
    expect(loadInChild({ NODE_OPTIONS: '--max-semi-space-size=16' })).toEqual({ cache: 'miss', sum: 14 });
    expect(cacheFiles()).toHaveLength(2);
  });

  test('a role (the translation worker) gets a cache file of its own, written when it asks, not at exit', () => {
    makeBundle();
    const script = `
      const { loadBundledEngine } = await import(${JSON.stringify(loaderUrl)});
      const folder = ${JSON.stringify(folder)};
      const location = { startupDirectory: folder, engineRoot: folder, cacheDirectory: folder + '/cache' };
      const loaded = loadBundledEngine(location, { role: 'translation-worker', saveAtExit: false });
      loaded.exports.describe([1, 2]);
      if (process.argv.includes('save')) loaded.saveCache();
      console.log(JSON.stringify({ cache: loaded.cache, file: loaded.cacheFile }));`;
    const run = (...args: string[]): { cache: string; file: string } => {
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { encoding: 'utf8', timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout.trim()) as { cache: string; file: string };
    };
    const first = run();
    expect(first.cache).toBe('miss');
    expect(cacheFiles()).toEqual([]); // no write at exit
    expect(run('save').cache).toBe('miss');
    expect(run().cache).toBe('hit');
    // The program's thread's file is another one.
    expect(loadInChild().cache).toBe('miss');
    expect(cacheFiles().length).toBe(2);
    expect(cacheFiles()).toContain(first.file.split('/').pop());
  });

  test('writing keeps the newest eight files of the folder and removes abandoned temporary files', () => {
    makeBundle();
    mkdirSync(join(folder, 'cache'));
    const old = Array.from({ length: 10 }, (_, i) => join(folder, 'cache', `old-build-${i}.v8cache`));
    old.forEach((file, i) => {
      writeFileSync(file, 'x');
      utimesSync(file, 1_000_000 + i, 1_000_000 + i);
    });
    const abandoned = join(folder, 'cache', 'x.v8cache.123.abcd.tmp');
    const fresh = join(folder, 'cache', 'x.v8cache.456.abcd.tmp');
    writeFileSync(abandoned, 'half');
    utimesSync(abandoned, 1_000_000, 1_000_000);
    writeFileSync(fresh, 'being written');
    expect(loadInChild()).toEqual({ cache: 'miss', sum: 14 });
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    const left = cacheFiles();
    expect(left).toHaveLength(8);
    expect(left.filter((name) => !name.startsWith('old-build-'))).toHaveLength(1);
    expect(left.filter((name) => name.startsWith('old-build-')).sort()).toEqual(old.slice(3).map((file) => file.split('/').pop()).sort());
  });

  test('two processes writing at once leave one whole file', async () => {
    makeBundle();
    const script = `
      const { loadBundledEngine } = await import(${JSON.stringify(loaderUrl)});
      const folder = ${JSON.stringify(folder)};
      loadBundledEngine({ startupDirectory: folder, engineRoot: folder, cacheDirectory: folder + '/cache' }).exports.describe([1]);`;
    const runs = Array.from({ length: 6 }, () => new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
      child.on('exit', (code) => resolve(code));
    }));
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(readdirSync(join(folder, 'cache'))).toHaveLength(1);
    expect(loadInChild()).toEqual({ cache: 'hit', sum: 14 });
  });

  test('WASM_LLVM_STARTUP_CACHE: 0 is off, a path is used, the default is beside the code cache', () => {
    expect(startupCacheDirectory({ WASM_LLVM_STARTUP_CACHE: '0' })).toBeUndefined();
    expect(startupCacheDirectory({ WASM_LLVM_STARTUP_CACHE: '/somewhere' })).toBe('/somewhere');
    expect(startupCacheDirectory({ WASM_LLVM_CACHE_DIR: '/cache' })).toBe(join('/cache', 'startup'));
    makeBundle();
    const loaded = loadBundledEngine<{ sum(values: number[]): number }>({ startupDirectory: folder, engineRoot: folder, cacheDirectory: undefined });
    expect(loaded?.cache).toBe('off');
    expect(loaded?.exports.sum([2, 3])).toBe(5);
  });
});

describe('a bundle that is not current is not used', () => {
  test('an input changed after bundling', () => {
    makeBundle();
    writeFileSync(join(folder, 'input.js'), '// changed after bundling, longer than before\n');
    expect(loadInChild()).toEqual({ cache: null, sum: null });
  });

  test('the bundle edited in place', () => {
    makeBundle();
    writeFileSync(join(folder, BUNDLE_FILE), FAKE_BUNDLE.replace('total += value', 'total -= value'));
    expect(loadInChild()).toEqual({ cache: null, sum: null });
  });

  test('no manifest, or one of another format', () => {
    makeBundle();
    writeFileSync(join(folder, MANIFEST_FILE), JSON.stringify({ format: 0, sha256: 'x', inputs: [] }));
    expect(loadInChild()).toEqual({ cache: null, sum: null });
    rmSync(join(folder, MANIFEST_FILE));
    expect(loadInChild()).toEqual({ cache: null, sum: null });
  });
});

describe("the real engine's bundle", () => {
  // `import { Module } from 'wasm-llvm-jit'` in a process with its own start-up and code caches.
  function runEngine(entry: string, cacheDirectory: string): Record<string, unknown> {
    const script = `
      const engine = await import(${JSON.stringify(pathToFileURL(join(root, entry)).href)});
      // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
      const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,7,7,1,3,97,100,100,0,0,10,9,1,7,0,32,0,32,1,106,11]);
      const module = new engine.Module(bytes, { optLevel: 0, codeCache: { directory: ${JSON.stringify(join(cacheDirectory, 'code'))} } });
      const instance = new engine.Instance(module, {});
      console.log(JSON.stringify({
        startup: engine.engineStartup ?? null,
        names: Object.keys(engine).filter((name) => name !== 'engineStartup').sort(),
        codeCache: engine.Module.timings(module).codeCache,
        sum: instance.exports.add(40, 2),
      }));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, WASM_LLVM_STARTUP_CACHE: join(cacheDirectory, 'startup') },
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout.trim()) as Record<string, unknown>;
  }

  test('has index.ts\'s exports, caches its start-up, and shares code-cache entries with the modules', () => {
    const fromModules = runEngine('dist/engine/index.js', folder);
    expect(fromModules).toMatchObject({ startup: null, codeCache: 'miss', sum: 42 });
    const first = runEngine('dist/engine/startup/package-entry.js', folder);
    expect(first).toEqual({ startup: { from: 'bundle', cache: 'miss' }, names: fromModules.names, codeCache: 'hit', sum: 42 });
    const second = runEngine('dist/engine/startup/package-entry.js', folder);
    expect(second).toMatchObject({ startup: { from: 'bundle', cache: 'hit' }, codeCache: 'hit', sum: 42 });
  });
});
