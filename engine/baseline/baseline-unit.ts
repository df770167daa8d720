// Stage: baseline compile (docs/RATIONALE.md "Why a baseline compiler of our own?"). A code
// unit's functions (translate/code-units.ts) compiled by the baseline compiler
// (baseline-function.ts) into one block of machine code, installed in pages of its own
// (native/src/machine_code.cc) and unmapped when the unit's owner releases it — the
// `CompiledCode` of a lazily compiled unit (compile/lazy-code.ts), as LLVM's is.
//
// A unit with any function the baseline does not take (BaselineUnsupported: SIMD, several
// results, …) is not compiled here at all: the caller gives the whole unit to LLVM at O0, so
// that a unit's functions are all of one kind.

import type { ModuleInfo } from '../binary/module-info.js';
import type { VmctxLayout } from '../abi/vmctx-layout.js';
import type { CompiledCode } from '../native/addon.js';
import { hostCpuFeatures, installReleasableMachineCode, releaseMachineCode, runtimeAddresses, threadLimitsTlsOffset } from '../native/addon.js';
import { BaselineFunctionCompiler, BaselineUnsupported, type BaselineContext } from './baseline-function.js';
import { X64Emitter } from './x64-emitter.js';

/** The CPU features the baseline's code uses beyond x86-64's SSE2: roundss/sd, popcnt, lzcnt, tzcnt. */
const REQUIRED_FEATURES = ['sse4.1', 'popcnt', 'lzcnt', 'bmi'] as const;

/** Largest code block installed for one unit (machine_code.cc's limit is 64 MiB). */
const MAX_UNIT_CODE_BYTES = 32 << 20;

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

/** The baseline compiler of one module (its functions, layout and tiering). */
export class BaselineModuleCompiler {
  private readonly compiler: BaselineFunctionCompiler;
  /** Units found unsupported (not tried again). */
  private readonly declined = new Set<number>();

  /** OSR candidates of the unit being compiled, reported once it compiles. */
  private readonly candidates: number[] = [];

  constructor(module: ModuleInfo, layout: VmctxLayout, tiered: boolean, private readonly onOsrCandidate?: (functionIndex: number, ordinal: number) => void) {
    const runtime = runtimeAddresses();
    const context: BaselineContext = {
      module,
      layout,
      tiered,
      tlsOffset: threadLimitsTlsOffset(),
      trapAddress: runtime.trap,
      checkSlowAddress: runtime.checkSlow,
      memoryGrowAddress: runtime.memoryGrow,
      tierUpAddress: runtime.tierUp,
      onOsrCandidate: (functionIndex, ordinal) => this.candidates.push(functionIndex, ordinal),
    };
    this.compiler = new BaselineFunctionCompiler(context);
  }

  /**
   * Compiles unit `unitIndex`'s functions; undefined when one of them is not for the baseline
   * (nothing is installed then). OSR candidates are reported only for a unit that compiles.
   */
  compileUnit(unitIndex: number, functions: readonly number[]): { code: CompiledCode; addresses: Map<number, bigint> } | undefined {
    if (this.declined.has(unitIndex)) return undefined;
    const start = performance.now();
    const emitter = new X64Emitter();
    const offsets: number[] = [];
    this.candidates.length = 0;
    try {
      for (const functionIndex of functions) offsets.push(this.compiler.compile(emitter, functionIndex));
    } catch (error) {
      if (!(error instanceof BaselineUnsupported)) throw error;
      this.declined.add(unitIndex);
      return undefined;
    }
    const bytes = emitter.finish();
    if (bytes.length > MAX_UNIT_CODE_BYTES) {
      this.declined.add(unitIndex);
      return undefined;
    }
    for (let i = 0; i < this.candidates.length; i += 2) this.onOsrCandidate?.(this.candidates[i], this.candidates[i + 1]);
    const base = installReleasableMachineCode(bytes);
    const addresses = new Map<number, bigint>();
    functions.forEach((functionIndex, i) => addresses.set(functionIndex, base + BigInt(offsets[i])));
    let released = false;
    const size = bytes.length;
    const code: CompiledCode = {
      addresses: offsets.map((offset) => base + BigInt(offset)),
      timings: { parseMs: 0, optimizeMs: 0, codegenMs: performance.now() - start, linkMs: 0, guardedMs: 0, units: 1 },
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
