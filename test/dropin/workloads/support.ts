// Stage: drop-in tier, workload support (runs inside each workload's child process). Import
// it FIRST in a workload: at evaluation it wraps the `WebAssembly` namespace the process has
// (Node's own, or this engine's after `--import wasm-llvm-jit/register`) so that every module
// a package compiles is recorded (size and sha256), without changing what the calls do.
// It also gives the workloads a seeded generator for their inputs and the digest helpers,
// and prints the one result line the runner reads (`DROPIN-RESULT {json}`).
//
// Phases (the workbench's glue mode, bench/harness/package-mode.ts): the wrapper also times
// the namespace's calls — time with at least one compile in progress (sync `new Module`, or
// from an async call until its promise settles) is compile time, likewise for instantiation
// (`new Instance`, `instantiate(module)`). With DROPIN_PHASES=1, `instantiate(bytes)` is
// carried out as `compile(bytes)` then `instantiate(module)` — how the JS API defines it —
// so that its two phases are timed apart; `compileStreaming`/`instantiateStreaming` count
// as compile whole (no package here uses them in Node). Execution is the workload body's
// time less the compile and instantiate time inside it.

import { createHash } from 'node:crypto';

/** A module the workload's packages compiled, as seen at the namespace. */
export interface CompiledModuleRecord {
  readonly via: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Set when the engine rejected the module (e.g. a SIMD build on this engine), with why. */
  rejected?: string;
}

/** What a workload prints on its result line. */
export interface WorkloadResult {
  /** Which engine ran: 'wasm-llvm-jit' or 'node'. */
  readonly engine: string;
  /** The deterministic results, compared between the engines. */
  readonly digest: Record<string, unknown>;
  /** Modules compiled through the namespace, in order. */
  readonly modules: CompiledModuleRecord[];
  /** Wall time of the workload body (after imports), milliseconds. */
  readonly ms: number;
  /** Where the time went, nanoseconds (see the header). */
  readonly phases: WorkloadPhases;
}

export interface WorkloadPhases {
  /** Time with at least one compile in progress, from process start to the result. */
  readonly compileNs: number;
  /** Time with at least one instantiation in progress. */
  readonly instantiateNs: number;
  /** The workload body's time less the compile and instantiate time inside it. */
  readonly executeNs: number;
  /** The workload body's wall time. */
  readonly bodyNs: number;
}

export const RESULT_PREFIX = 'DROPIN-RESULT ';

const compiled: CompiledModuleRecord[] = [];

/**
 * Time during which at least one operation of a kind is in progress (overlapping async
 * compiles count once), so compile and instantiate times are never counted twice.
 */
class PhaseClock {
  private active = 0;
  private since = 0n;
  private total = 0n;

  begin(): void {
    if (this.active++ === 0) this.since = process.hrtime.bigint();
  }

  end(): void {
    if (--this.active === 0) this.total += process.hrtime.bigint() - this.since;
  }

  /** Total so far, including a span still in progress. */
  elapsed(): bigint {
    return this.active > 0 ? this.total + (process.hrtime.bigint() - this.since) : this.total;
  }

  /** Times `run`: synchronously, or until the promise it returns settles. */
  measure<T>(run: () => T): T {
    this.begin();
    let result: T;
    try {
      result = run();
    } catch (error) {
      this.end();
      throw error;
    }
    if (result instanceof Promise) {
      result.then(() => this.end(), () => this.end());
    } else {
      this.end();
    }
    return result;
  }
}

const compileClock = new PhaseClock();
const instantiateClock = new PhaseClock();
const splitInstantiate = process.env.DROPIN_PHASES === '1';

function bytesOf(source: unknown): Uint8Array | undefined {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return undefined;
}

function record(via: string, source: unknown): CompiledModuleRecord {
  const bytes = bytesOf(source);
  const entry: CompiledModuleRecord = bytes === undefined
    ? { via, bytes: -1, sha256: '' }
    : { via, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  compiled.push(entry);
  return entry;
}

function reason(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 200);
}

/** Wraps the namespace's compiling and instantiating entry points; the calls do what they did. */
function installCapture(): void {
  const namespace = globalThis.WebAssembly as unknown as Record<string, unknown>;
  const originals: Record<string, (...args: unknown[]) => unknown> = {};
  for (const name of ['compile', 'instantiate', 'compileStreaming', 'instantiateStreaming', 'Module', 'Instance']) {
    originals[name] = namespace[name] as (...args: unknown[]) => unknown;
  }
  const wrap = (name: string, body: (original: (...args: unknown[]) => unknown, self: unknown, args: unknown[]) => unknown): void => {
    const original = originals[name];
    if (typeof original !== 'function') return;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      return body(original, this, args);
    };
    Object.defineProperty(wrapped, 'name', { value: name });
    Object.defineProperty(wrapped, 'length', { value: original.length });
    namespace[name] = wrapped;
  };
  const noteRejection = (entry: CompiledModuleRecord | undefined, result: unknown): unknown => {
    if (entry !== undefined && result instanceof Promise) {
      result.catch((error: unknown) => {
        entry.rejected = reason(error);
      });
    }
    return result;
  };
  wrap('compile', (original, self, args) => noteRejection(record('compile', args[0]), compileClock.measure(() => original.apply(self, args))));
  wrap('instantiate', (original, self, args) => {
    if (bytesOf(args[0]) === undefined) return instantiateClock.measure(() => original.apply(self, args));
    const entry = record('instantiate', args[0]);
    if (!splitInstantiate) return noteRejection(entry, compileClock.measure(() => original.apply(self, args)));
    // instantiate(bytes, imports) is compile(bytes), then instantiate(module, imports).
    const compiled = compileClock.measure(() => originals.compile.call(namespace, args[0]) as Promise<object>);
    const result = compiled.then((module) =>
      (instantiateClock.measure(() => original.call(self, module, ...args.slice(1))) as Promise<object>).then((instance) => ({ module, instance })));
    return noteRejection(entry, result);
  });
  wrap('compileStreaming', (original, self, args) => noteRejection(record('compileStreaming', undefined), compileClock.measure(() => original.apply(self, args))));
  wrap('instantiateStreaming', (original, self, args) => noteRejection(record('instantiateStreaming', undefined), compileClock.measure(() => original.apply(self, args))));
  const ModuleClass = originals.Module as unknown as (new (bytes: unknown) => object) | undefined;
  if (typeof ModuleClass === 'function') {
    namespace.Module = new Proxy(ModuleClass, {
      construct(target, args, newTarget) {
        const entry = record('new Module', args[0]);
        try {
          return compileClock.measure(() => Reflect.construct(target, args, newTarget === namespace.Module ? target : newTarget) as object);
        } catch (error) {
          entry.rejected = reason(error);
          throw error;
        }
      },
    });
  }
  const InstanceClass = originals.Instance as unknown as (new (module: unknown, imports?: unknown) => object) | undefined;
  if (typeof InstanceClass === 'function') {
    namespace.Instance = new Proxy(InstanceClass, {
      construct(target, args, newTarget) {
        return instantiateClock.measure(() => Reflect.construct(target, args, newTarget === namespace.Instance ? target : newTarget) as object);
      },
    });
  }
}

installCapture();

/**
 * The modules compiled through the namespace so far, in order: a workload whose package picks
 * one of several builds (a SIMD one by feature detection) checks with it which one it got.
 */
export function compiledModules(): readonly CompiledModuleRecord[] {
  return compiled;
}

/** The engine this process runs on. */
export function engineName(): string {
  const info = (globalThis.WebAssembly as unknown as Record<symbol, { name?: string } | undefined>)[Symbol.for('wasm-llvm-jit.engine')];
  return info?.name ?? 'node';
}

/** Input scale: 1 for the default tier, larger for `npm run test:dropin:large` (DROPIN_SCALE). */
export function inputScale(): number {
  const value = Number(process.env.DROPIN_SCALE ?? '1');
  return Number.isFinite(value) && value >= 1 ? Math.floor(value) : 1;
}

/**
 * A small seeded generator (xoshiro128** on 32-bit words, seeded by a splitmix-style hash),
 * so inputs are the same bytes on every run and every machine.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  /** A uniform 32-bit unsigned integer (xoshiro128** step). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.nextU32() / 4294967296) * n);
  }

  /** A float in [0, 1). */
  unit(): number {
    return this.nextU32() / 4294967296;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.nextU32() & 0xff;
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const SYLLABLES = [
  'ka', 'lo', 'mi', 'ne', 'su', 'ra', 'to', 'vi', 'pe', 'da', 'zu', 'ho', 'gri', 'stan', 'bel', 'or', 'in', 'ex',
  'qua', 'tion', 'ly', 'ment', 'ous', 'ing', 'er', 'th', 'ch', 'ph', 'ö', 'é', 'ñ', 'ß', 'дом', '水', '言', '🙂',
];
const PUNCTUATION = ['.', ',', ';', ':', '!', '?', ' -', ' (', ')', '"', "'", '\n', '\n\n'];

/** A pseudo-word of 1-4 syllables. */
export function word(random: SeededRandom): string {
  let out = '';
  const count = 1 + random.below(4);
  for (let i = 0; i < count; i++) out += random.pick(SYLLABLES);
  return out;
}

/** Pseudo-prose of at least `length` UTF-16 units: words, numbers, punctuation, mixed scripts. */
export function prose(random: SeededRandom, length: number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    let piece = random.below(12) === 0 ? String(random.below(100_000)) : word(random);
    if (random.below(8) === 0) piece = piece[0].toUpperCase() + piece.slice(1);
    piece += random.below(6) === 0 ? random.pick(PUNCTUATION) + ' ' : ' ';
    parts.push(piece);
    size += piece.length;
  }
  return parts.join('');
}

/** Compressible binary data: runs, repeats of earlier bytes, and noise. */
export function compressibleBytes(random: SeededRandom, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let i = 0;
  while (i < length) {
    const kind = random.below(10);
    const run = Math.min(length - i, 4 + random.below(200));
    if (kind < 3) {
      out.fill(random.below(256), i, i + run);
    } else if (kind < 7 && i > 1024) {
      const from = i - 1 - random.below(Math.min(i - 1, 32_768));
      for (let k = 0; k < run; k++) out[i + k] = out[from + k];
    } else {
      for (let k = 0; k < run; k++) out[i + k] = random.nextU32() & 0xff;
    }
    i += run;
  }
  return out;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A running sha256 over many pieces (strings are hashed as UTF-8, each followed by a separator). */
export class Digest {
  private readonly hash = createHash('sha256');
  private count = 0;
  private done: string | undefined;

  add(piece: Uint8Array | string | number | bigint | boolean | null | undefined): this {
    if (piece instanceof Uint8Array) this.hash.update(piece);
    else this.hash.update(String(piece));
    this.hash.update('\u0000');
    this.count++;
    return this;
  }

  addJson(value: unknown): this {
    return this.add(JSON.stringify(value));
  }

  /** The hex digest and the number of pieces; the digest is final after the first call. */
  hex(): string {
    this.done ??= `${this.hash.digest('hex')}/${this.count}`;
    return this.done;
  }
}

/**
 * Runs a workload body and prints its result line; a thrown error exits non-zero with its
 * stack on stderr (the runner reports it as the failure's reason).
 */
export async function runWorkload(body: () => Promise<Record<string, unknown>> | Record<string, unknown>): Promise<void> {
  const started = process.hrtime.bigint();
  const compileBefore = compileClock.elapsed();
  const instantiateBefore = instantiateClock.elapsed();
  try {
    const digest = await body();
    const bodyNs = process.hrtime.bigint() - started;
    const compileNs = compileClock.elapsed();
    const instantiateNs = instantiateClock.elapsed();
    const executeNs = bodyNs - (compileNs - compileBefore) - (instantiateNs - instantiateBefore);
    const phases: WorkloadPhases = { compileNs: Number(compileNs), instantiateNs: Number(instantiateNs), executeNs: Number(executeNs), bodyNs: Number(bodyNs) };
    const result: WorkloadResult = { engine: engineName(), digest, modules: compiled, ms: Math.round(Number(bodyNs) / 1e6), phases };
    process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  } catch (error) {
    process.stderr.write(`workload failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
