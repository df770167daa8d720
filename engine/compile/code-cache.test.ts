// Tests of the persistent code cache (code-cache.ts): a hit runs the same code as the
// compile it replaces; damaged entries (truncated, bit-flipped, another format, another
// module's entry under this key) are detected, deleted and rebuilt, never loaded; two
// processes compiling the same module at once both succeed and leave a whole entry; the
// size cap evicts the least recently used entries.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Instance, Module } from '../index.js';
import { CodeCache, codeCacheStats, codeKey, entryChecksum, tableCrc32 } from './code-cache.js';
import { compiledModuleOf } from '../api/module.js';
import { nestedIfElseValues } from '../../tools/hostile/hostile-modules.js';
import { body, functionType, moduleBytes, name, s32, section, vector } from '../../test/support/module-bytes.js';
import { repositoryRoot } from '../../test/spec/testsuite-location.js';

const directories: string[] = [];
function freshDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'wasm-llvm-cache-'));
  directories.push(directory);
  return directory;
}
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

/** (func (export "f") (param i32) (result i32) local.get 0 i32.const factor i32.mul), plus a loop. */
function multiplier(factor: number): Uint8Array {
  const code = [0x20, 0, 0x41, ...s32(factor), 0x6c, 0x0b];
  return moduleBytes(
    section(1, vector([functionType([0x7f], [0x7f])])),
    section(3, vector([[0]])),
    section(7, vector([[...name('f'), 0x00, 0]])),
    section(10, vector([body([], code)])),
  );
}

function run(module: Module, argument: number): number {
  return (new Instance(module).exports.f as (x: number) => number)(argument);
}

function entryFiles(directory: string): string[] {
  return readdirSync(directory)
    .filter((shard) => shard.length === 2)
    .flatMap((shard) => readdirSync(join(directory, shard)).map((file) => join(directory, shard, file)));
}

describe('code cache', () => {
  test('a second compile of the same bytes and options is a hit that runs the same code', async () => {
    const directory = freshDirectory();
    const bytes = multiplier(7);
    const first = new Module(bytes, { codeCache: { directory } });
    expect(Module.timings(first).codeCache).toBe('miss');
    expect(entryFiles(directory)).toHaveLength(1);
    const second = new Module(bytes, { codeCache: { directory } });
    const timings = Module.timings(second);
    expect(timings.codeCache).toBe('hit');
    expect(timings.irEmitMs).toBe(0);
    expect(timings.optimizeMs).toBe(0);
    expect(run(second, 6)).toBe(42);
    expect(run(first, 6)).toBe(42);
    const asynchronous = await (await import('../index.js')).compile(bytes, { codeCache: { directory } });
    expect(Module.timings(asynchronous).codeCache).toBe('hit');
    expect(run(asynchronous, -3)).toBe(-21);
    expect(Module.timings(new Module(bytes)).codeCache).toBe('off');
  });

  test('a module with guarded functions (two object files) comes back whole, guard decisions included', () => {
    const directory = freshDirectory();
    const bytes = nestedIfElseValues(1_500);
    const compiled = new Module(bytes, { codeCache: { directory } });
    const cached = new Module(bytes, { codeCache: { directory } });
    expect(Module.timings(cached).codeCache).toBe('hit');
    expect([...compiledModuleOf(cached).guardedFunctions]).toEqual([...compiledModuleOf(compiled).guardedFunctions]);
    expect(compiledModuleOf(cached).guardedFunctions.size).toBe(1);
    const f0 = new Instance(cached).exports.f0 as (x: number) => number;
    expect(f0(7)).toBe(7 + 1_500);
  });

  test('other options or other bytes are other entries', () => {
    const directory = freshDirectory();
    new Module(multiplier(3), { codeCache: { directory }, optLevel: 2 });
    expect(Module.timings(new Module(multiplier(3), { codeCache: { directory }, optLevel: 0 })).codeCache).toBe('miss');
    expect(Module.timings(new Module(multiplier(4), { codeCache: { directory }, optLevel: 2 })).codeCache).toBe('miss');
    expect(Module.timings(new Module(multiplier(3), { codeCache: { directory }, exactTraps: true })).codeCache).toBe('miss');
    expect(entryFiles(directory)).toHaveLength(4);
  });

  const damages: [string, (file: Buffer, otherEntry: Buffer) => Buffer][] = [
    ['truncated', (file) => file.subarray(0, file.length - 100)],
    ['truncated to its header', (file) => file.subarray(0, 20)],
    ['empty', () => Buffer.alloc(0)],
    ['a bit flipped in the object code', (file) => flip(file, file.length - 200)],
    ['a bit flipped in the header', (file) => flip(file, 30)],
    ['another format version (checksum recomputed)', (file) => withChecksum(withUint32(file, 8, 999))],
    ['another module\'s entry under this key', (_, other) => other],
  ];
  test.each(damages)('an entry %s is detected, deleted and rebuilt, never loaded', (_label, damage) => {
    const directory = freshDirectory();
    const bytes = multiplier(11);
    new Module(bytes, { codeCache: { directory } });
    new Module(multiplier(12), { codeCache: { directory } });
    const cache = new CodeCache({ directory });
    const [entry, other] = [cache.entryPath(keyOf(cache, bytes)), cache.entryPath(keyOf(cache, multiplier(12)))];
    writeFileSync(entry, damage(readFileSync(entry), readFileSync(other)));
    const rejectedBefore = codeCacheStats().rejected;
    const rebuilt = new Module(bytes, { codeCache: { directory } });
    expect(Module.timings(rebuilt).codeCache).toBe('miss');
    expect(codeCacheStats().rejected).toBe(rejectedBefore + 1);
    expect(run(rebuilt, 2)).toBe(22);
    const again = new Module(bytes, { codeCache: { directory } });
    expect(Module.timings(again).codeCache).toBe('hit');
    expect(run(again, 3)).toBe(33);
  });

  test('two processes compiling the same modules into one cache at once all succeed and leave whole entries', async () => {
    const directory = freshDirectory();
    const engine = join(repositoryRoot(), 'dist/engine/index.js');
    const script = `
      const { Module, Instance } = await import(${JSON.stringify(engine)});
      const { body, functionType, moduleBytes, name, s32, section, vector } = await import(${JSON.stringify(join(repositoryRoot(), 'dist/test/support/module-bytes.js'))});
      const outcomes = [];
      for (let round = 0; round < 12; round++) {
        const factor = 100 + (round % 4);
        const bytes = moduleBytes(section(1, vector([functionType([0x7f], [0x7f])])), section(3, vector([[0]])),
          section(7, vector([[...name('f'), 0x00, 0]])), section(10, vector([body([], [0x20, 0, 0x41, ...s32(factor), 0x6c, 0x0b])])));
        const module = new Module(bytes, { codeCache: { directory: ${JSON.stringify(directory)} } });
        const result = new Instance(module).exports.f(2);
        if (result !== 2 * factor) throw new Error('wrong result ' + result);
        outcomes.push(Module.timings(module).codeCache);
      }
      console.log(outcomes.join(','));`;
    const runOne = () =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    const results = await Promise.all([runOne(), runOne(), runOne()]);
    for (const result of results) {
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trim().split(',')).toHaveLength(12);
    }
    const outcomes = results.flatMap((result) => result.stdout.trim().split(','));
    expect(outcomes.filter((outcome) => outcome === 'hit').length).toBeGreaterThan(0);
    const files = entryFiles(directory);
    expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([]);
    expect(files).toHaveLength(4);
    // (This process runs the engine from source, another build with other keys: check from a child.)
    const last = await runOne();
    expect(last.status, last.stderr).toBe(0);
    expect(last.stdout.trim()).toBe(new Array(12).fill('hit').join(','));
  }, 120_000);

  test('a list entry (the tiered profile) comes back as stored; a damaged one, or a code entry, is no list', () => {
    const cache = new CodeCache({ directory: freshDirectory() });
    const key = createHash('sha256').update('list test').digest('hex');
    expect(cache.loadList(key)).toBeUndefined();
    cache.storeList(key, ['3', '0', '12']);
    expect(cache.loadList(key)).toEqual(['3', '0', '12']);
    cache.storeList(key, ['3', '0', '12', '7']);
    expect(cache.loadList(key)).toEqual(['3', '0', '12', '7']);
    const path = cache.entryPath(key);
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, whole.length - 5));
    expect(cache.loadList(key)).toBeUndefined();
    const codeKey = createHash('sha256').update('code test').digest('hex');
    cache.store(codeKey, { symbols: ['f'], functionSymbols: [], entrySymbols: [], hostSymbols: [], guardedFunctions: [], objects: [new Uint8Array([0x7f, 0x45, 0x4c, 0x46])] });
    expect(cache.loadList(codeKey)).toBeUndefined();
  });

  test('past its size cap, the least recently used entries go', () => {
    const directory = freshDirectory();
    new Module(multiplier(21), { codeCache: { directory } });
    const entrySize = statSync(entryFiles(directory)[0]).size;
    const cache = { directory, maxBytes: entrySize * 3.5 };
    const evictedBefore = codeCacheStats().evicted;
    const old = new Date(Date.now() - 60_000);
    for (const factor of [22, 23]) new Module(multiplier(factor), { codeCache: cache });
    // 21 was used two minutes ago and 22 one minute ago; then a hit makes 21 the most
    // recently used (a hit refreshes an entry not refreshed in the last minute).
    const probe = new CodeCache(cache);
    const older = new Date(Date.now() - 120_000);
    utimesSync(probe.entryPath(keyOf(probe, multiplier(21))), older, older);
    utimesSync(probe.entryPath(keyOf(probe, multiplier(22))), old, old);
    expect(Module.timings(new Module(multiplier(21), { codeCache: cache })).codeCache).toBe('hit');
    expect(statSync(probe.entryPath(keyOf(probe, multiplier(21)))).mtimeMs).toBeGreaterThan(Date.now() - 10_000);
    // 23 was written before that hit, but its mtime comes from the file system's clock, which
    // may run a few milliseconds ahead of ours: state the order outright.
    const recent = new Date(Date.now() - 30_000);
    utimesSync(probe.entryPath(keyOf(probe, multiplier(23))), recent, recent);
    for (const factor of [24, 25]) new Module(multiplier(factor), { codeCache: cache });
    expect(codeCacheStats().evicted).toBeGreaterThan(evictedBefore);
    expect(entryFiles(directory).length).toBeLessThanOrEqual(3);
    expect(Module.timings(new Module(multiplier(22), { codeCache: { directory } })).codeCache).toBe('miss');
    expect(Module.timings(new Module(multiplier(21), { codeCache: cache })).codeCache).toBe('hit');
    expect(run(new Module(multiplier(25), { codeCache: cache }), 1)).toBe(25);
  });
});

function keyOf(cache: CodeCache, bytes: Uint8Array): string {
  return cache.key(bytes, 'optLevel=2 cpu=native exactTraps=false');
}

function flip(file: Buffer, offset: number): Buffer {
  const copy = Buffer.from(file);
  copy[offset] ^= 0x10;
  return copy;
}

function withUint32(file: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(file);
  copy.writeUInt32LE(value, offset);
  return copy;
}

describe('lookups off the JavaScript thread (CodeCache.startLookup)', () => {
  const settings = 'optLevel=2 cpu=native exactTraps=false';
  const entry = { symbols: ['f'], functionSymbols: [], entrySymbols: [], hostSymbols: [], guardedFunctions: [], objects: [new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3])] };

  test('give the key codeKey gives, and the entry stored under it; another module or setting is a miss', () => {
    const cache = new CodeCache({ directory: freshDirectory() });
    const bytes = multiplier(11);
    const key = codeKey(bytes, settings);
    const before = cache.startLookup(bytes, settings).finish();
    expect(before).toEqual({ key, entry: undefined });
    cache.store(key, entry);
    const after = cache.startLookup(bytes, settings).finish();
    expect(after.key).toBe(key);
    expect(after.entry?.symbols).toEqual(['f']);
    expect([...after.entry!.objects[0]]).toEqual([...entry.objects[0]]);
    expect(cache.startLookup(multiplier(12), settings).finish().entry).toBeUndefined();
    expect(cache.startLookup(bytes, 'optLevel=0 cpu=native exactTraps=false').finish().entry).toBeUndefined();
  });

  test('a damaged entry found by a lookup is a miss and is deleted, as load() does', () => {
    const directory = freshDirectory();
    const cache = new CodeCache({ directory });
    const bytes = multiplier(13);
    const key = codeKey(bytes, settings);
    cache.store(key, entry);
    const [file] = entryFiles(directory);
    const damaged = readFileSync(file);
    damaged[damaged.length - 9] ^= 0x10;
    writeFileSync(file, damaged);
    expect(cache.startLookup(bytes, settings).finish().entry).toBeUndefined();
    expect(entryFiles(directory)).toEqual([]);
  });

  test('stress: many lookups at once, most dropped unfinished while compile threads read their bytes, then collected', async () => {
    const cache = new CodeCache({ directory: freshDirectory() });
    const modules = Array.from({ length: 50 }, (_, i) => multiplier(100 + i));
    cache.store(codeKey(modules[7], settings), entry);
    // A compile keeps the threads busy meanwhile, so some lookups run there and some here.
    const compiling = (await import('../index.js')).compile(readFileSync(join(repositoryRoot(), 'suites/polybench/wasm/gemm.medium.wasm')), { optLevel: 2, codeCache: false });
    for (let round = 0; round < 20; round++) {
      const lookups = modules.map((bytes) => cache.startLookup(bytes, settings));
      expect(lookups[7].finish().entry?.symbols).toEqual(['f']);
      expect(lookups[8].finish().key).toBe(codeKey(modules[8], settings));
    }
    await compiling;
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});

describe('entry checksum', () => {
  test('is the standard CRC-32, whether zlib computes it or the fallback table does', () => {
    const check = Buffer.from('123456789', 'latin1');
    expect(tableCrc32(check)).toBe(0xcbf43926);
    expect(entryChecksum(check).readUInt32LE(0)).toBe(0xcbf43926);
    const random = Buffer.alloc(100_003);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
    expect(entryChecksum(random).readUInt32LE(0)).toBe(tableCrc32(random));
    expect(tableCrc32(new Uint8Array(0))).toBe(0);
  });
});

function withChecksum(file: Buffer): Buffer {
  const body = file.subarray(0, file.length - 4);
  return Buffer.concat([body, entryChecksum(body)]);
}
