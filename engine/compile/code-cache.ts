// Stage: compile. A persistent code cache: the object code LLVM produced for a module, kept
// on disk and linked again instead of translated, optimised and generated again (in the
// manner of Wasmtime's cache and V8's code cache; docs/RATIONALE.md, "Why a module-level
// object cache, keyed so?").
//
// Key: SHA-256 of the module's bytes and of everything else that changes the code — the
// compile options (optLevel, cpu, exactTraps), this engine's build (the addon binary and
// the engine bundle's SHA-256 while the bundle is current, else every code file of the
// engine it runs from), LLVM's version, the host CPU's name and features, the
// thread-pointer offset generated code reads its limits at, and the environment switches
// that change code (WASM_LLVM_DISABLE, WASM_LLVM_GUARD). An entry is written only after a
// successful compile of exactly these bytes, so a hit may skip body validation.
//
// Entry file (<directory>/<key[0..2]>/<key[2..]>.wljc):
//   "WLJCACHE" | u32 format | u32 header length | header (JSON) | object files | CRC-32 of all before
// (format 2; format 1 ended in a SHA-256, five times slower to check on a large module's
// entry: esbuild's 37 MB, about 25 ms of a 125 ms cache hit. The checksum is there to catch
// corruption and truncation, which CRC-32 does; it was never a defence against someone who
// can write the folder, who could recompute either.)
// Written to a temporary file and renamed into place (atomic; two processes writing the same
// entry both leave a whole one). Read back only if the magic, format, lengths, the header's
// key and the checksum all match; anything else (truncated, bit-flipped, other format) is
// deleted and the module is compiled again. A compile's lookup (startLookup) hashes the key
// and reads the entry on a compile thread (native/src/cache_lookup.cc) while the module is
// decoded; the checks are the same. Hits refresh the file's mtime (at most once a
// minute); past the size cap the least recently used entries are removed.

import { createHash, randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as native from '../native/addon.js';
import { defaultCacheDirectory } from './cache-directory.js';
import { currentManifest, STARTUP_FOLDER } from './bundle-manifest.js';

/** Where and how large; `directory` defaults to defaultCacheDirectory(). */
export interface CodeCacheOptions {
  readonly directory?: string;
  /** Size cap in bytes (default 1 GiB, or WASM_LLVM_CACHE_MAX_BYTES). */
  readonly maxBytes?: number;
}

/** What a hit needs to rebuild a CompiledModule without translating. */
export interface CachedCode {
  readonly symbols: readonly string[];
  readonly functionSymbols: readonly (readonly [number, string])[];
  readonly entrySymbols: readonly (readonly [number, string])[];
  readonly hostSymbols: readonly (readonly [number, string])[];
  readonly guardedFunctions: readonly (readonly [number, string])[];
  readonly objects: readonly Uint8Array[];
}

interface EntryHeader extends Omit<CachedCode, 'objects'> {
  readonly key: string;
  readonly objectLengths: readonly number[];
}

/** Counters since the process started, for tests and `npm run bench:compile-stages`. */
export interface CodeCacheStats {
  hits: number;
  misses: number;
  /** Entries found damaged (truncated, corrupted, another format) and deleted. */
  rejected: number;
  writes: number;
  evicted: number;
}

const MAGIC = Buffer.from('WLJCACHE', 'latin1');
const FORMAT_VERSION = 2;
const PREFIX_BYTES = MAGIC.length + 8;
const CHECKSUM_BYTES = 4;
const DEFAULT_MAX_BYTES = 1024 ** 3;
/** Environment switches that change generated code (and so belong to the key). */
const CODE_SWITCHES = ['WASM_LLVM_DISABLE', 'WASM_LLVM_GUARD', 'WASM_LLVM_WIDENING_FACTOR'];

const stats: CodeCacheStats = { hits: 0, misses: 0, rejected: 0, writes: 0, evicted: 0 };

export function codeCacheStats(): Readonly<CodeCacheStats> {
  return { ...stats };
}

let buildFingerprint: string | undefined;

/** SHA-256 of this engine's build and host: computed once per process. */
function engineFingerprint(): string {
  if (buildFingerprint !== undefined) return buildFingerprint;
  const hash = createHash('sha256');
  hash.update(`format ${FORMAT_VERSION}\n`);
  hash.update(readFileSync(native.addonPath()));
  const engineRoot = dirname(dirname(fileURLToPath(import.meta.url)));
  // A current bundle's hash stands for the code it was made from (bundle-manifest.ts): the
  // same whether the engine runs from the bundle or as modules, without reading every file.
  const manifest = currentManifest(join(engineRoot, STARTUP_FOLDER), engineRoot);
  if (typeof manifest !== 'string') {
    hash.update(`bundle ${manifest.sha256}\n`);
  } else {
    for (const file of listJsFiles(engineRoot)) {
      hash.update(`${file}\n`);
      hash.update(readFileSync(join(engineRoot, file)));
    }
  }
  hash.update(`llvm ${native.llvmVersion()}\ncpu ${native.hostCpuName()}\n${native.hostCpuFeatures().join(',')}\n`);
  hash.update(`tls ${native.threadLimitsTlsOffset()}\narch ${process.arch}\n`);
  buildFingerprint = hash.digest('hex');
  return buildFingerprint;
}

/** Relative paths of the code under `root` (.js of a build, .ts when run from source), sorted; no tests. */
function listJsFiles(root: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...listJsFiles(root, relative));
    else if (/\.[jt]s$/.test(entry.name) && !/\.test\.[jt]s$|\.d\.ts$/.test(entry.name)) files.push(relative);
  }
  return files;
}

/**
 * What identifies the machine code of `bytes` compiled with `settings` by this engine build
 * on this host: the cache's key, and the check a serialized module must pass.
 */
export function codeKey(bytes: Uint8Array, settings: string): string {
  return createHash('sha256').update(codeKeyPrefix(settings)).update(bytes).digest('hex');
}

/** What the key hashes before the module's bytes (native/src/cache_lookup.cc hashes the same). */
function codeKeyPrefix(settings: string): string {
  let prefix = `${engineFingerprint()}\n${settings}\n`;
  for (const name of CODE_SWITCHES) prefix += `${name}=${process.env[name] ?? ''}\n`;
  return prefix;
}

/**
 * A cache lookup under way (CodeCache.startLookup): the key's hash and the entry's read run
 * on a compile thread while the caller decodes the module; `finish` waits for them.
 */
export interface PendingLookup {
  /** The key, and the entry if there is a good one (a damaged one is deleted: a miss). */
  finish(): { readonly key: string; readonly entry: CachedCode | undefined };
}

/**
 * Eviction is least recently used by mtime, and a hit refreshes it — unless the entry was
 * used less than this long ago: a hit then costs no write, and the order stays right to
 * within this interval.
 */
const REFRESH_AFTER_MS = 60_000;

/**
 * The bytes of the entry file at `path` (refreshing its mtime as above), or undefined when
 * there is none: the addon's reader (native/src/cache_lookup.cc), which startLookup's thread
 * uses too.
 */
function readEntryFile(path: string): Buffer | undefined {
  return native.readCacheEntry(path, REFRESH_AFTER_MS);
}

/** The object of a list entry (CodeCache.storeList): no object file starts with it. */
const LIST_OBJECT = Buffer.from('wasm-llvm-jit list\n', 'utf8');

export class CodeCache {
  readonly directory: string;
  readonly maxBytes: number;

  constructor(options: CodeCacheOptions = {}) {
    this.directory = options.directory ?? defaultCacheDirectory();
    const fromEnvironment = Number(process.env.WASM_LLVM_CACHE_MAX_BYTES);
    this.maxBytes = options.maxBytes ?? (fromEnvironment > 0 ? fromEnvironment : DEFAULT_MAX_BYTES);
    if (!(this.maxBytes > 0)) throw new RangeError(`codeCache.maxBytes must be a positive number of bytes (got ${String(options.maxBytes)})`);
  }

  /** The entry key of `bytes` compiled with `settings` (a canonical description of the options). */
  key(bytes: Uint8Array, settings: string): string {
    return codeKey(bytes, settings);
  }

  entryPath(key: string): string {
    return join(this.directory, key.slice(0, 2), `${key.slice(2)}.wljc`);
  }

  /** Whether an entry for `key` exists (not read, so not checked: load may still miss). */
  has(key: string): boolean {
    return existsSync(this.entryPath(key));
  }

  /**
   * Keeps a short list of strings under `key` (tiered execution's profile of hot functions, a unit's partition), with
   * the same atomic write and checksum as code: an entry whose one object is LIST_OBJECT.
   */
  storeList(key: string, values: readonly string[]): void {
    this.store(key, { symbols: values, functionSymbols: [], entrySymbols: [], hostSymbols: [], guardedFunctions: [], objects: [LIST_OBJECT] });
  }

  /** The list stored under `key`, or undefined (missing, damaged, or not a list). */
  loadList(key: string): readonly string[] | undefined {
    const entry = this.load(key);
    if (entry === undefined || entry.objects.length !== 1 || !Buffer.from(entry.objects[0]).equals(LIST_OBJECT)) return undefined;
    return entry.symbols.every((value) => typeof value === 'string') ? entry.symbols : undefined;
  }

  /**
   * Starts looking up the entry of `bytes` compiled with `settings` (the key as `key` gives
   * it) off this thread: docs/RATIONALE.md, "Why is a cache lookup started before the
   * module is decoded?". `bytes` must not change until `finish` returns.
   */
  startLookup(bytes: Uint8Array, settings: string): PendingLookup {
    const lookup = native.startCacheLookup(bytes, codeKeyPrefix(settings), this.directory, REFRESH_AFTER_MS);
    return {
      finish: () => {
        const [key, file] = native.finishCacheLookup(lookup);
        return { key, entry: this.checkEntry(key, file) };
      },
    };
  }

  /** The entry for `key`, or undefined (missing, or damaged and then deleted). */
  load(key: string): CachedCode | undefined {
    return this.checkEntry(key, readEntryFile(this.entryPath(key)));
  }

  /** The entry in `file` (the bytes of `key`'s entry file, undefined when there was none), counted as a hit or a miss. */
  private checkEntry(key: string, file: Buffer | undefined): CachedCode | undefined {
    if (file === undefined) {
      stats.misses++;
      return undefined;
    }
    const entry = decodeEntry(file, key);
    if (entry === undefined) {
      stats.rejected++;
      stats.misses++;
      removeQuietly(this.entryPath(key));
      return undefined;
    }
    stats.hits++;
    return entry;
  }

  /** Writes the entry for `key` atomically, then keeps the directory under its cap. Never throws. */
  store(key: string, code: CachedCode): void {
    const path = this.entryPath(key);
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(temporary, encodeEntry(key, code));
      renameSync(temporary, path);
      stats.writes++;
    } catch {
      removeQuietly(temporary);
      return; // a read-only or full disk costs the cache, never the compile
    }
    // Lazy compiles store one small entry per unit: scan the directory for eviction after the
    // first store and then after every maxBytes/32 written, not after every entry.
    this.writtenSinceEviction += code.objects.reduce((sum, object) => sum + object.length, 0);
    if (this.evictions === 0 || this.writtenSinceEviction > this.maxBytes / 32) {
      this.evictions++;
      this.writtenSinceEviction = 0;
      this.evict();
    }
  }

  private writtenSinceEviction = 0;
  private evictions = 0;

  /** Removes least recently used entries until the directory holds at most 80% of the cap. */
  private evict(): void {
    const entries: { path: string; size: number; used: number }[] = [];
    let total = 0;
    try {
      for (const shard of readdirSync(this.directory)) {
        if (shard.length !== 2) continue;
        for (const name of readdirSync(join(this.directory, shard))) {
          const path = join(this.directory, shard, name);
          try {
            const status = statSync(path);
            entries.push({ path, size: status.size, used: status.mtimeMs });
            total += status.size;
          } catch {
            // removed by another process meanwhile
          }
        }
      }
    } catch {
      return;
    }
    if (total <= this.maxBytes) return;
    entries.sort((a, b) => a.used - b.used);
    for (const entry of entries) {
      if (total <= this.maxBytes * 0.8) break;
      removeQuietly(entry.path);
      total -= entry.size;
      stats.evicted++;
    }
  }
}

/** An entry's bytes (the file format above). */
export function encodeEntry(key: string, code: CachedCode): Buffer {
  const header: EntryHeader = {
    key,
    symbols: code.symbols,
    functionSymbols: code.functionSymbols,
    entrySymbols: code.entrySymbols,
    hostSymbols: code.hostSymbols,
    guardedFunctions: code.guardedFunctions,
    objectLengths: code.objects.map((object) => object.length),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(FORMAT_VERSION, MAGIC.length);
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length + 4);
  const body = Buffer.concat([prefix, headerBytes, ...code.objects]);
  return Buffer.concat([body, entryChecksum(body)]);
}

/** zlib's CRC-32 (Node 20.15 and later), else the same computed here from a table. */
const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
let crcTable: Uint32Array | undefined;

function crc32(data: Uint8Array): number {
  return zlibCrc32 !== undefined ? zlibCrc32(data) : tableCrc32(data);
}

/** CRC-32 (IEEE 802.3, as zlib's) from a table: the fallback on Node before 20.15 (exported for the tests). */
export function tableCrc32(data: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The checksum that ends an entry whose other bytes are `body` (CRC-32, little-endian). */
export function entryChecksum(body: Uint8Array): Buffer {
  const checksum = Buffer.alloc(CHECKSUM_BYTES);
  checksum.writeUInt32LE(crc32(body), 0);
  return checksum;
}

/** The entry in `file` if it is whole and is the entry of `key`; undefined otherwise. */
export function decodeEntry(file: Buffer, key: string): CachedCode | undefined {
  if (file.length < PREFIX_BYTES + CHECKSUM_BYTES) return undefined;
  if (!file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (file.readUInt32LE(MAGIC.length) !== FORMAT_VERSION) return undefined;
  const bodyEnd = file.length - CHECKSUM_BYTES;
  if (file.readUInt32LE(bodyEnd) !== crc32(file.subarray(0, bodyEnd))) return undefined;
  const headerLength = file.readUInt32LE(MAGIC.length + 4);
  if (PREFIX_BYTES + headerLength > bodyEnd) return undefined;
  let header: EntryHeader;
  try {
    header = JSON.parse(file.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength).toString('utf8')) as EntryHeader;
  } catch {
    return undefined;
  }
  if (header.key !== key || !Array.isArray(header.objectLengths) || !Array.isArray(header.symbols)) return undefined;
  let offset = PREFIX_BYTES + headerLength;
  const objects: Uint8Array[] = [];
  for (const length of header.objectLengths) {
    if (!Number.isInteger(length) || length <= 0 || offset + length > bodyEnd) return undefined;
    objects.push(new Uint8Array(file.buffer, file.byteOffset + offset, length));
    offset += length;
  }
  if (offset !== bodyEnd || objects.length === 0) return undefined;
  return {
    symbols: header.symbols,
    functionSymbols: header.functionSymbols,
    entrySymbols: header.entrySymbols,
    hostSymbols: header.hostSymbols,
    guardedFunctions: header.guardedFunctions,
    objects,
  };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
