// Stage: baseline compile (docs/RATIONALE.md "Why a baseline compiler of our own?"). A code
// unit's functions (translate/code-units.ts) compiled by the baseline compiler
// (baseline-function.ts) into one block of machine code: the functions, 16-byte aligned, then
// the unit's table of runtime entry points (wasm_rt_trap, wasm_rt_check_slow,
// wasm_rt_memory_grow, wasm_rt_tier_up), which the code calls through `call [rip + …]`. The
// block holds no absolute address until the table is filled in at installation, so it can be
// kept in the code cache and installed in another process (compile/compiled-module.ts). It is
// installed in pages of its own (native/src/machine_code.cc) and unmapped when the unit's
// `CompiledCode` is released or collected, as LLVM's code is.
//
// A unit with any function the baseline does not take (BaselineUnsupported: SIMD, several
// results, …) is not compiled here at all: the caller gives the whole unit to LLVM at O0, so
// that a unit's functions are all of one kind.

import type { ModuleInfo } from '../binary/module-info.js';
import type { VmctxLayout } from '../abi/vmctx-layout.js';
import type { CompiledCode } from '../native/addon.js';
import { consecutivePerfSymbols, hostCpuFeatures, installMachineCode, perfMapEnabled, releaseMachineCode, runtimeAddresses, threadLimitsTlsOffset } from '../native/addon.js';
import { BaselineFunctionCompiler, BaselineUnsupported, type RuntimeTable } from './baseline-function.js';
import { X64Emitter } from './x64-emitter.js';
import { NativeBaselineCompiler, describeForNativeBaseline } from './native-baseline.js';

/** The CPU features the baseline's code uses beyond x86-64's SSE2: roundss/sd, popcnt, lzcnt, tzcnt. */
const REQUIRED_FEATURES = ['sse4.1', 'popcnt', 'lzcnt', 'bmi'] as const;

/** Largest code block installed for one unit (machine_code.cc's limit is 64 MiB). */
const MAX_UNIT_CODE_BYTES = 32 << 20;

/** Entries of the runtime table, in order. */
const RUNTIME_ENTRIES = 4;

let hostSupport: boolean | undefined;

/** Unmaps a unit's code once its CompiledCode is collected without release() (as LLVM's code is freed). */
const unreleased = new FinalizationRegistry<{ base: bigint; size: number }>(({ base, size }) => releaseMachineCode(base, size));

/** Whether this CPU has what the baseline's code uses (otherwise every unit goes to LLVM). */
export function directBaselineSupported(): boolean {
  if (hostSupport === undefined) {
    const features = new Set(hostCpuFeatures());
    hostSupport = REQUIRED_FEATURES.every((feature) => features.has(feature));
  }
  return hostSupport;
}

/** A unit's machine code before installation (also what the code cache keeps). */
export interface BaselineUnitCode {
  /** The functions, then the runtime table (zeros here). */
  readonly bytes: Uint8Array;
  /** Each function's offset in `bytes`, in the unit's order. */
  readonly offsets: readonly number[];
  /** Offset of the runtime table. */
  readonly tableOffset: number;
  /** OSR candidate loops: [functionIndex, ordinal] pairs, flattened. */
  readonly osrCandidates: readonly number[];
}

/**
 * Which implementation compiles: the C++ port (native/src/baseline_compiler.cc, the default:
 * fast from a process's first call) or the TypeScript reference (baseline-function.ts), which
 * gives the same bytes; WASM_LLVM_BASELINE_COMPILER=typescript picks the reference.
 */
export type BaselineImplementation = 'cpp' | 'typescript';

export function baselineImplementationFromEnvironment(): BaselineImplementation {
  const value = process.env.WASM_LLVM_BASELINE_COMPILER;
  if (value === undefined || value === '' || value === 'cpp') return 'cpp';
  if (value === 'typescript') return 'typescript';
  throw new Error(`WASM_LLVM_BASELINE_COMPILER must be cpp or typescript, not ${JSON.stringify(value)}`);
}

/** The baseline compiler of one module (its functions, layout and tiering). */
export class BaselineModuleCompiler {
  private compiler: BaselineFunctionCompiler | undefined;
  private readonly native: NativeBaselineCompiler | undefined;
  /** Units found unsupported (not tried again). */
  private readonly declined = new Set<number>();
  /** OSR candidates of the unit being compiled (TypeScript). */
  private readonly candidates: number[] = [];
  private readonly tlsOffset = threadLimitsTlsOffset();

  constructor(
    private readonly module: ModuleInfo,
    private readonly layout: VmctxLayout,
    private readonly tiered: boolean,
    private readonly onOsrCandidate?: (functionIndex: number, ordinal: number) => void,
    implementation: BaselineImplementation = baselineImplementationFromEnvironment(),
  ) {
    if (implementation === 'cpp') this.native = new NativeBaselineCompiler(() => describeForNativeBaseline(module, layout, tiered, this.tlsOffset));
  }

  /** Compiles unit `unitIndex`'s functions; undefined when one of them is not for the baseline. */
  compileUnit(unitIndex: number, functions: readonly number[]): BaselineUnitCode | undefined {
    if (this.declined.has(unitIndex)) return undefined;
    const unit = this.native !== undefined ? this.compileInCpp(this.native, functions) : this.compileInTypeScript(functions);
    if (unit === undefined) this.declined.add(unitIndex);
    return unit;
  }

  /** compileUnit by the C++ port. */
  private compileInCpp(native: NativeBaselineCompiler, functions: readonly number[]): BaselineUnitCode | undefined {
    const unit = native.compileUnit(functions);
    if (unit === undefined) return undefined;
    return { bytes: unit.bytes, offsets: [...unit.offsets], tableOffset: unit.tableOffset, osrCandidates: [...unit.osrCandidates] };
  }

  /** compileUnit by the TypeScript reference compiler. */
  private compileInTypeScript(functions: readonly number[]): BaselineUnitCode | undefined {
    this.compiler ??= new BaselineFunctionCompiler({
      module: this.module,
      layout: this.layout,
      tiered: this.tiered,
      tlsOffset: this.tlsOffset,
      onOsrCandidate: (functionIndex, ordinal) => this.candidates.push(functionIndex, ordinal),
    });
    const emitter = new X64Emitter();
    const runtime: RuntimeTable = { trap: emitter.newLabel(), checkSlow: emitter.newLabel(), memoryGrow: emitter.newLabel(), tierUp: emitter.newLabel() };
    const offsets: number[] = [];
    this.candidates.length = 0;
    try {
      for (const functionIndex of functions) offsets.push(this.compiler.compile(emitter, functionIndex, runtime));
    } catch (error) {
      if (!(error instanceof BaselineUnsupported)) throw error;
      return undefined;
    }
    emitter.align(8);
    const tableOffset = emitter.length;
    for (const label of [runtime.trap, runtime.checkSlow, runtime.memoryGrow, runtime.tierUp]) {
      emitter.bind(label);
      emitter.u32(0);
      emitter.u32(0);
    }
    const bytes = emitter.finish();
    if (bytes.length > MAX_UNIT_CODE_BYTES) return undefined;
    return { bytes, offsets, tableOffset, osrCandidates: [...this.candidates] };
  }

  /**
   * Installs a unit's code (just compiled, or from the code cache): fills in its runtime
   * table, reports its OSR candidates, and gives its CompiledCode and each function's address.
   */
  install(unit: BaselineUnitCode, functions: readonly number[]): { code: CompiledCode; addresses: Map<number, bigint> } {
    if (unit.offsets.length !== functions.length) throw new Error('internal error: a baseline unit of another size');
    const bytes = unit.bytes.slice();
    const table = new DataView(bytes.buffer, unit.tableOffset, RUNTIME_ENTRIES * 8);
    const runtime = runtimeAddresses();
    [runtime.trap, runtime.checkSlow, runtime.memoryGrow, runtime.tierUp].forEach((address, i) => table.setBigUint64(8 * i, address, true));
    for (let i = 0; i < unit.osrCandidates.length; i += 2) this.onOsrCandidate?.(unit.osrCandidates[i], unit.osrCandidates[i + 1]);
    const start = performance.now();
    const base = installMachineCode(bytes, perfMapEnabled ? perfSymbolsOf(unit, functions) : undefined);
    const addresses = new Map<number, bigint>();
    functions.forEach((functionIndex, i) => addresses.set(functionIndex, base + BigInt(unit.offsets[i])));
    let released = false;
    const size = bytes.length;
    const code: CompiledCode = {
      addresses: unit.offsets.map((offset) => base + BigInt(offset)),
      timings: { parseMs: 0, optimizeMs: 0, codegenMs: 0, linkMs: performance.now() - start, guardedMs: 0, units: 1 },
      objectBytes: size,
      release: () => {
        if (released) return;
        released = true;
        unreleased.unregister(code);
        releaseMachineCode(base, size);
      },
    };
    unreleased.register(code, { base, size }, code);
    return { code, addresses };
  }
}

/** Baseline units installed so far in this process: perf's names tell them apart. */
let installedUnits = 0;

/**
 * perf's names of a unit's functions, `baseline<n>::wasm_func_<index>` (n counts installed
 * units), as installMachineCode takes them; the last function ends at the runtime table.
 */
function perfSymbolsOf(unit: BaselineUnitCode, functions: readonly number[]): string {
  const serial = installedUnits++;
  return consecutivePerfSymbols(unit.offsets, unit.tableOffset, (i) => `baseline${serial}::wasm_func_${functions[i]}`);
}

/** The first of a cached baseline unit's lines (the code cache's `symbols`), naming the format. */
const CACHE_FORMAT = 'baseline-x64 1';

/** A unit's code as the code cache's lines and object (compile/code-cache.ts CachedCode). */
export function baselineUnitToCache(unit: BaselineUnitCode): { lines: string[]; object: Uint8Array } {
  return { lines: [CACHE_FORMAT, `table ${unit.tableOffset}`, `offsets ${unit.offsets.join(' ')}`, `osr ${unit.osrCandidates.join(' ')}`], object: unit.bytes };
}

/** The unit back from the code cache's lines and object; undefined when they are not one (another format, damaged). */
export function baselineUnitFromCache(lines: readonly string[], object: Uint8Array): BaselineUnitCode | undefined {
  if (lines.length !== 4 || lines[0] !== CACHE_FORMAT) return undefined;
  const numbers = (line: string, prefix: string): number[] | undefined => {
    if (!line.startsWith(prefix)) return undefined;
    const rest = line.slice(prefix.length).trim();
    const values = rest === '' ? [] : rest.split(' ').map(Number);
    return values.every((value) => Number.isInteger(value) && value >= 0) ? values : undefined;
  };
  const table = numbers(lines[1], 'table ');
  const offsets = numbers(lines[2], 'offsets ');
  const osrCandidates = numbers(lines[3], 'osr ');
  if (table === undefined || table.length !== 1 || offsets === undefined || osrCandidates === undefined) return undefined;
  const tableOffset = table[0];
  if (tableOffset % 8 !== 0 || tableOffset + RUNTIME_ENTRIES * 8 !== object.length || offsets.some((offset) => offset >= tableOffset)) return undefined;
  return { bytes: object, offsets, tableOffset, osrCandidates };
}
