// Stage: differential execution fuzzing. Runs one module on one engine the way binaryen's
// fuzz shells do — instantiate with logging "fuzzing-support" imports, then call every
// exported function in export order, resetting the hang limit before each, and go on with
// the next export after a trap — and records what is observable as a transcript: one line
// per host call, result, trap or instantiation failure, then a hash of the exported memory.
// Both engines see the same calls with the same arguments, so equal engines give equal
// transcripts. Values are written by bits (i64 as unsigned decimal, floats as hex bits, v128
// as four 32-bit lanes); traps by a category both engines' messages map onto.
//
// v128 values cannot cross the JS boundary (JS API: a TypeError before anything runs). An
// export with a v128 in its signature is called all the same and records that TypeError
// (both engines must throw it without running anything). Binaryen's `log-v128` import, which
// its own JS shells leave to throw, is given a one-function wasm adapter compiled by the engine
// under test, which calls the host with the four i32x4 lanes, so the logged vector reaches
// the transcript on both sides in the same way and the module goes on running.

import { decodeModule } from '../../../engine/binary/decode-module.js';
import { ExternalKind } from '../../../engine/binary/module-info.js';
import { ValType } from '../../../engine/wasm/value-types.js';
import { SeededRandom } from '../mutator.js';
import { functionType, HEADER, I32, name, section, V128, vector, body as codeEntry } from '../../../test/support/module-bytes.js';
import { classifyOurError, classifyV8Error, TrapCategory, type ErrorCategory } from './trap-categories.js';

/** The parts of a WebAssembly namespace the harness uses (V8's or ours). */
export interface EngineUnderTest {
  readonly name: string;
  compile(bytes: Uint8Array): object;
  instantiate(module: object, imports: Record<string, Record<string, unknown>>): { exports: Record<string, unknown> };
  classifyError(error: unknown): ErrorCategory;
}

export interface TranscriptOptions {
  /** Seed of the call arguments; 0 calls every export with zeros, as binaryen's shells do. */
  argumentSeed: number;
  /** NaNs in results and logged values become "nan" (their payload and sign are nondeterministic). */
  canonicaliseNaNs: boolean;
  /**
   * After a trap, go on with a fresh instance of the module (new memory, tables, globals),
   * so what the trapping call left behind cannot influence later calls. Used to confirm that
   * two transcripts differ only through that state (see execution-differential.ts).
   */
  freshInstanceAfterTrap?: boolean;
}

export const HANG_LIMIT_INITIALIZER = 'hangLimitInitializer';

const VALUE_TYPE_NAMES: Partial<Record<number, string>> = {
  [ValType.I32]: 'i32',
  [ValType.I64]: 'i64',
  [ValType.F32]: 'f32',
  [ValType.F64]: 'f64',
  [ValType.V128]: 'v128',
};

const scratch = new DataView(new ArrayBuffer(8));

function isF32NaN(bits: number): boolean {
  return (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0;
}

/**
 * A v128 given as its four 32-bit lanes (lane 0 first), as `v128 0x.. 0x.. 0x.. 0x..`. With
 * NaNs canonicalised, the shape of the vector is unknown, so every lane that could be part of
 * a NaN is written "nan": a 32-bit lane that is an f32 NaN, and the low lane of each 64-bit
 * half whose high lane is an f32 NaN (the high word of every f64 NaN is one), except an f64
 * infinity (high lane 0x7ff00000 or 0xfff00000, low lane 0), which is kept: as f32 lanes it
 * would be a signalling NaN, which no arithmetic produces. An integer vector that looks like
 * a NaN loses those lanes on both sides alike, so NaN bits never make two transcripts differ.
 */
export function formatV128(lanes: readonly number[], canonicaliseNaNs: boolean): string {
  const words = lanes.map((lane) => lane >>> 0);
  const text: string[] = [];
  for (let half = 0; half < 4; half += 2) {
    const [low, high] = [words[half], words[half + 1]];
    const f64Infinity = (high & 0x7fffffff) === 0x7ff00000 && low === 0;
    const highNaN = canonicaliseNaNs && !f64Infinity && isF32NaN(high);
    const lowNaN = canonicaliseNaNs && (highNaN || isF32NaN(low));
    text.push(lowNaN ? 'nan' : `0x${low.toString(16)}`, highNaN ? 'nan' : `0x${high.toString(16)}`);
  }
  return `v128 ${text.join(' ')}`;
}

/** A value as the transcript writes it. */
export function formatValue(type: ValType, value: unknown, canonicaliseNaNs: boolean): string {
  switch (type) {
    case ValType.I32:
      return `i32 ${(value as number) >>> 0}`;
    case ValType.I64:
      return `i64 ${BigInt.asUintN(64, value as bigint)}`;
    case ValType.F32:
      if (canonicaliseNaNs && Number.isNaN(value)) return 'f32 nan';
      scratch.setFloat32(0, value as number, true);
      return `f32 0x${scratch.getUint32(0, true).toString(16)}`;
    case ValType.F64:
      if (canonicaliseNaNs && Number.isNaN(value)) return 'f64 nan';
      scratch.setFloat64(0, value as number, true);
      return `f64 0x${scratch.getBigUint64(0, true).toString(16)}`;
    case ValType.V128:
      // Lanes from the log-v128 adapter; an export's v128 argument has no JS value.
      return Array.isArray(value) ? formatV128(value as number[], canonicaliseNaNs) : 'v128';
    default:
      return `${type} ${String(value)}`;
  }
}

const I32_SPECIALS = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 0xff, 0x10000, 65535, -65536];
const I64_SPECIALS = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0xffffffffn, 0x100000000n, -0x80000000n];
const FLOAT_SPECIALS = [0, -0, 1, -1, 0.5, -1.5, Infinity, -Infinity, 2147483648, -2147483649, 4294967296, 9.2233720368547758e18, 1e-40, 3.4028234663852886e38, 1.7976931348623157e308, 5e-324];

/** Arguments for one call: zeros for seed 0, else boundary values and random bits (never NaN). */
export function argumentsFor(types: readonly ValType[], random: SeededRandom | undefined): unknown[] {
  return types.map((type) => {
    if (random === undefined || random.chance(0.3)) return type === ValType.I64 ? 0n : 0;
    const special = random.chance(0.5);
    switch (type) {
      case ValType.I32:
        return special ? random.pick(I32_SPECIALS) : random.next() | 0;
      case ValType.I64:
        return special ? random.pick(I64_SPECIALS) : BigInt.asIntN(64, (BigInt(random.next()) << 32n) | BigInt(random.next()));
      case ValType.F32: {
        if (special) return Math.fround(random.pick(FLOAT_SPECIALS));
        scratch.setUint32(0, random.next() & 0x7f7fffff | (random.next() & 0x80000000), true);
        return scratch.getFloat32(0, true);
      }
      case ValType.F64: {
        if (special) return random.pick(FLOAT_SPECIALS);
        scratch.setUint32(0, random.next(), true);
        scratch.setUint32(4, (random.next() & 0x7fefffff) | (random.next() & 0x80000000), true);
        return scratch.getFloat64(0, true);
      }
      default:
        return undefined;
    }
  });
}

/** 32-bit FNV-1a of the bytes. */
export function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return hash >>> 0;
}

/**
 * The adapter for an import of type (v128) -> (): exports "log", which calls the host's
 * "lanes" with the i32x4 lanes 0-3 of its argument.
 */
export const V128_LOG_ADAPTER = new Uint8Array([
  ...HEADER,
  ...section(1, vector([functionType([I32, I32, I32, I32], []), functionType([V128], [])])),
  ...section(2, vector([[...name('host'), ...name('lanes'), 0x00, 0x00]])),
  ...section(3, vector([[0x01]])),
  ...section(7, vector([[...name('log'), 0x00, 0x01]])),
  ...section(10, vector([codeEntry([], [
    0x20, 0x00, 0xfd, 0x1b, 0x00,
    0x20, 0x00, 0xfd, 0x1b, 0x01,
    0x20, 0x00, 0xfd, 0x1b, 0x02,
    0x20, 0x00, 0xfd, 0x1b, 0x03,
    0x10, 0x00, 0x0b,
  ])])),
]);

/** The adapter compiled once per engine (instantiated once per transcript with its host function). */
const compiledAdapters = new Map<EngineUnderTest, object>();

/** The adapter's "log" for `engine`, calling `host` with the four lanes. */
function v128LogFunction(engine: EngineUnderTest, host: (...lanes: number[]) => void): unknown {
  let adapter = compiledAdapters.get(engine);
  if (adapter === undefined) {
    adapter = engine.compile(V128_LOG_ADAPTER);
    compiledAdapters.set(engine, adapter);
  }
  return engine.instantiate(adapter, { host: { lanes: host } }).exports.log;
}

/** Upper bound of transcript lines (a module whose exports log in long loops stops being recorded). */
export const MAX_TRANSCRIPT_LINES = 20_000;

/** The transcript of `bytes` on `engine`. Never throws for anything the module does. */
export function recordTranscript(engine: EngineUnderTest, bytes: Uint8Array, options: TranscriptOptions): string[] {
  const lines: string[] = [];
  const push = (line: string): void => {
    if (lines.length < MAX_TRANSCRIPT_LINES) lines.push(line);
    else if (lines.length === MAX_TRANSCRIPT_LINES) lines.push('... transcript cut');
  };
  const info = decodeModule(bytes);
  const imports: Record<string, Record<string, unknown>> = {};
  for (const entry of info.imports) {
    if (entry.kind !== ExternalKind.Function) continue;
    const type = info.types[entry.typeIndex];
    const label = `${entry.module}.${entry.name}`;
    if (type.params.length === 1 && type.params[0] === ValType.V128 && type.results.length === 0) {
      try {
        (imports[entry.module] ??= {})[entry.name] = v128LogFunction(engine, (...lanes: number[]): void => {
          push(`host ${label}(${formatValue(ValType.V128, lanes, options.canonicaliseNaNs)})`);
        });
      } catch (error) {
        lines.push(`v128 adapter failed: ${engine.classifyError(error)}`);
        return lines;
      }
      continue;
    }
    (imports[entry.module] ??= {})[entry.name] = (...args: unknown[]): void => {
      push(`host ${label}(${type.params.map((param, i) => formatValue(param, args[i], options.canonicaliseNaNs)).join(', ')})`);
    };
  }
  let module: object;
  try {
    module = engine.compile(bytes);
  } catch (error) {
    lines.push(`compile failed: ${engine.classifyError(error)}`);
    return lines;
  }
  let exports: Record<string, unknown>;
  try {
    exports = engine.instantiate(module, imports).exports;
  } catch (error) {
    lines.push(`instantiate failed: ${engine.classifyError(error)}`);
    return lines;
  }
  const random = options.argumentSeed === 0 ? undefined : new SeededRandom(options.argumentSeed);
  let initializer = exports[HANG_LIMIT_INITIALIZER] as (() => void) | undefined;
  let trapped = false;
  for (const exported of info.exports) {
    if (exported.kind !== ExternalKind.Function || exported.name === HANG_LIMIT_INITIALIZER) continue;
    const type = info.types[info.functionTypeIndices[exported.index]];
    if ([...type.params, ...type.results].some((value) => VALUE_TYPE_NAMES[value] === undefined)) {
      push(`skip ${exported.name}: reference type`);
      continue;
    }
    const args = argumentsFor(type.params, random);
    if (trapped && options.freshInstanceAfterTrap) {
      exports = engine.instantiate(module, imports).exports;
      initializer = exports[HANG_LIMIT_INITIALIZER] as (() => void) | undefined;
      trapped = false;
      push('fresh instance');
    }
    push(`call ${exported.name}(${type.params.map((param, i) => formatValue(param, args[i], false)).join(', ')})`);
    try {
      if (typeof initializer === 'function') initializer();
      const result = (exports[exported.name] as (...values: unknown[]) => unknown)(...args);
      const results = type.results.length === 1 ? [result] : type.results.length === 0 ? [] : [...(result as Iterable<unknown>)];
      push(`return ${type.results.map((resultType, i) => formatValue(resultType, results[i], options.canonicaliseNaNs)).join(', ')}`.trimEnd());
    } catch (error) {
      const category = engine.classifyError(error);
      push(`trap ${category}`);
      // A v128 at the JS boundary throws before the function runs: nothing to start afresh from.
      if (category !== TrapCategory.V128AtJsBoundary) trapped = true;
    }
  }
  const memory = exports.memory as { buffer: ArrayBuffer } | undefined;
  if (trapped && options.freshInstanceAfterTrap) {
    push('memory left by a trap not compared');
  } else if (memory !== undefined && typeof memory === 'object' && 'buffer' in memory) {
    const buffer = new Uint8Array(memory.buffer);
    push(`memory ${buffer.length} bytes, fnv1a 0x${fnv1a(buffer).toString(16)}`);
  }
  return lines;
}

/** Node's own WebAssembly (V8), with whatever flags the process was started with. */
export const v8Engine: EngineUnderTest = {
  name: 'v8',
  compile: (bytes) => new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
  instantiate: (module, imports) =>
    new WebAssembly.Instance(module as WebAssembly.Module, imports as WebAssembly.Imports) as unknown as { exports: Record<string, unknown> },
  classifyError: classifyV8Error,
};

export { classifyOurError };
