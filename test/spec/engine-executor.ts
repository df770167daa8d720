// Stage: conformance tests. The spec runner's executor for this engine (SpecExecutor in
// spec-runner.ts): compiles and instantiates every module of a script with our JS API,
// replays register, action, assert_return, assert_trap, assert_exhaustion,
// assert_unlinkable and assert_uninstantiable, against the `spectest` host module as the
// reference interpreter defines it (print functions, global_i32 = 666 ..., a 10..20 funcref
// table, a 1..2 page memory). Numeric values are compared bit for bit through the runtime's
// raw call path (callWithBits), so NaN payloads and -0 count; nan:canonical and
// nan:arithmetic are checked as the spec defines them. `ref.extern N` is one JS object per N.
//
// v128 values are 128-bit patterns built from and compared by their lanes (wast2json's
// `lane_type`), each float lane with its own NaN pattern.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Global, Instance, LinkError, Memory, Module, RuntimeError, Table } from '../../engine/index.js';
import { exportedFunctionData } from '../../engine/runtime/exported-function-data.js';
import { callWithBits } from '../../engine/runtime/exported-function.js';
import { globalInstanceOf } from '../../engine/runtime/externs.js';
import { readCellBits } from '../../engine/runtime/global-cells.js';
import { ValType, valTypeFromName } from '../../engine/wasm/value-types.js';
import type { OptLevel } from '../../engine/native/addon.js';
import type { CommandOutcome, SpecExecutor } from './spec-runner.js';
import type { WastCommand } from './wast-conversion.js';

interface WastValue {
  readonly type: string;
  /** v128: the lanes' shape (i8, i16, i32, i64, f32, f64). */
  readonly lane_type?: string;
  readonly value?: string | string[];
}

interface WastAction {
  readonly type: 'invoke' | 'get';
  readonly module?: string;
  readonly field: string;
  readonly args?: WastValue[];
}

/** Why a file's execution commands are not run, or undefined when they are (all are, now). */
export function executionSkipReason(_file: string): string | undefined {
  return undefined;
}

/** Lane width in bits of a wast2json lane type. */
function laneBits(laneType: string | undefined): number {
  switch (laneType) {
    case 'i8': return 8;
    case 'i16': return 16;
    case 'i32': case 'f32': return 32;
    case 'i64': case 'f64': return 64;
    default: throw new ActionFailure(`unknown v128 lane type ${String(laneType)}`);
  }
}

/** The 128-bit pattern of a v128 script value (lanes in little-endian order). */
function v128Bits(value: WastValue): bigint {
  const bits = laneBits(value.lane_type);
  const lanes = value.value as string[];
  let result = 0n;
  lanes.forEach((lane, i) => (result |= BigInt.asUintN(bits, BigInt(lane)) << BigInt(i * bits)));
  return result;
}

/** A float lane's bits against a NaN pattern: canonical (quiet, no payload) or arithmetic (quiet). */
function matchesNaNPattern(bits: bigint, pattern: string, width: 32 | 64): boolean {
  const [quietNan, sign] = width === 32 ? [0x7fc00000n, 0x80000000n] : [0x7ff8000000000000n, 0x8000000000000000n];
  const magnitude = bits & ~sign;
  return pattern === 'nan:canonical' ? magnitude === quietNan : (magnitude & quietNan) === quietNan;
}

class ActionFailure extends Error {}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The spectest module (the reference interpreter's spectest.ml). */
function createSpectest(): Record<string, unknown> {
  const print = (): void => {};
  return {
    print,
    print_i32: print,
    print_i64: print,
    print_f32: print,
    print_f64: print,
    print_i32_f32: print,
    print_f64_f64: print,
    global_i32: new Global({ value: 'i32' }, 666),
    global_i64: new Global({ value: 'i64' }, 666n),
    global_f32: new Global({ value: 'f32' }, 666.6),
    global_f64: new Global({ value: 'f64' }, 666.6),
    table: new Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new Memory({ initial: 1, maximum: 2 }),
  };
}

export interface EngineExecutorOptions {
  readonly optLevel: OptLevel;
  /** The compile target (default: the host CPU). */
  readonly cpu?: 'native' | 'generic';
  /** Compile with the exactTraps option (explicit bounds checks at O1 and above). */
  readonly exactTraps?: boolean;
  /** 'lazy': each code unit compiled on the first call of one of its functions. */
  readonly tiering?: 'eager' | 'lazy' | 'tiered';
  /** A code cache directory: a second run with the same one links every module from the cache. */
  readonly codeCacheDirectory?: string;
}

/** One executor per script: its registry and current module are the script's. */
export class EngineExecutor implements SpecExecutor {
  private readonly registry = new Map<string, Record<string, unknown>>();
  private readonly named = new Map<string, Record<string, unknown>>();
  private current: Record<string, unknown> | undefined;
  private readonly externrefs = new Map<string, object>();

  constructor(private readonly options: EngineExecutorOptions) {
    this.registry.set('spectest', createSpectest());
  }

  private importObject(): Record<string, Record<string, unknown>> {
    return Object.fromEntries(this.registry);
  }

  private instantiate(bytes: Uint8Array): Instance {
    const { codeCacheDirectory } = this.options;
    const module = new Module(bytes, {
      optLevel: this.options.optLevel,
      cpu: this.options.cpu ?? 'native',
      exactTraps: this.options.exactTraps ?? false,
      tiering: this.options.tiering ?? 'eager',
      ...(codeCacheDirectory !== undefined ? { codeCache: { directory: codeCacheDirectory } } : {}),
    });
    return new Instance(module, this.importObject());
  }

  moduleValidated(command: WastCommand, bytes: Uint8Array): CommandOutcome {
    this.current = undefined;
    try {
      const instance = this.instantiate(bytes);
      this.current = instance.exports;
      if (command.name) this.named.set(command.name, instance.exports);
      return { status: 'passed' };
    } catch (error) {
      return { status: 'failed', message: `instantiation failed: ${describe(error)}` };
    }
  }

  execute(command: WastCommand, directory: string): CommandOutcome {
    try {
      switch (command.type) {
        case 'register': {
          const exports = command.name ? this.named.get(command.name) : this.current;
          if (!exports) return { status: 'failed', message: `register: no module ${command.name ?? '(current)'}` };
          this.registry.set(command.as!, exports);
          return { status: 'passed' };
        }
        case 'action':
          this.perform(command.action as WastAction);
          return { status: 'passed' };
        case 'assert_return':
          return this.assertReturn(command);
        case 'assert_trap':
        case 'assert_exhaustion':
          return this.assertTrap(command);
        case 'assert_unlinkable':
        case 'assert_uninstantiable':
          return this.assertInstantiationFails(command, directory);
        default:
          return { status: 'failed', message: `the executor does not handle ${command.type}` };
      }
    } catch (error) {
      if (error instanceof ActionFailure) return { status: 'failed', message: error.message };
      return { status: 'failed', message: `unexpected ${describe(error)}` };
    }
  }

  // ---- actions

  private exportsOf(action: WastAction): Record<string, unknown> {
    const exports = action.module ? this.named.get(action.module) : this.current;
    if (!exports) throw new ActionFailure(`no module ${action.module ?? '(current)'} to act on`);
    return exports;
  }

  /** Runs an action; results as raw bits (numbers) or JS values (references). */
  private perform(action: WastAction): unknown[] {
    const target = this.exportsOf(action)[action.field];
    if (action.type === 'get') {
      const global = globalInstanceOf(target);
      if (!global) throw new ActionFailure(`${action.field} is not an exported global`);
      return [isReference(global.type.type) ? (target as Global).value : readCellBits(global.cell, global.type.type)];
    }
    const data = exportedFunctionData(target);
    if (!data) throw new ActionFailure(`${action.field} is not an exported function`);
    const args = (action.args ?? []).map((value) => this.argument(value));
    return callWithBits(data, args);
  }

  private externref(value: string): object {
    let object = this.externrefs.get(value);
    if (!object) this.externrefs.set(value, (object = { externref: value }));
    return object;
  }

  private argument(value: WastValue): unknown {
    const text = value.value as string;
    switch (value.type) {
      case 'externref': return text === 'null' ? null : this.externref(text);
      case 'funcref':
        if (text === 'null') return null;
        throw new ActionFailure('funcref arguments other than null are not expressible in a script');
      case 'i32': case 'f32': case 'i64': case 'f64': return BigInt(text);
      case 'v128': return v128Bits(value);
      default: throw new ActionFailure(`unsupported argument type ${value.type}`);
    }
  }

  // ---- assertions

  private assertReturn(command: WastCommand): CommandOutcome {
    let results: unknown[];
    try {
      results = this.perform(command.action as WastAction);
    } catch (error) {
      if (error instanceof ActionFailure) throw error;
      return { status: 'failed', message: `expected a result, got ${describe(error)}` };
    }
    const expected = (command.expected ?? []) as WastValue[];
    if (results.length !== expected.length) {
      return { status: 'failed', message: `expected ${expected.length} results, got ${results.length}` };
    }
    for (let i = 0; i < expected.length; i++) {
      const problem = this.compare(expected[i], results[i]);
      if (problem) return { status: 'failed', message: `result ${i}: ${problem}` };
    }
    return { status: 'passed' };
  }

  /** A description of the mismatch, or undefined when `actual` is what `expected` says. */
  private compare(expected: WastValue, actual: unknown): string | undefined {
    const text = expected.value as string | undefined;
    switch (expected.type) {
      case 'i32': case 'i64': case 'f32': case 'f64': {
        const bits = actual as bigint;
        const type = valTypeFromName(expected.type);
        const wide = type === ValType.I64 || type === ValType.F64;
        const show = (value: bigint): string => `0x${value.toString(16).padStart(wide ? 16 : 8, '0')}`;
        if (typeof bits !== 'bigint') return `expected ${expected.type}, got ${String(actual)}`;
        if (text === 'nan:canonical' || text === 'nan:arithmetic') {
          return matchesNaNPattern(bits, text, wide ? 64 : 32) ? undefined : `expected ${text}, got ${show(bits)}`;
        }
        const want = BigInt.asUintN(wide ? 64 : 32, BigInt(text!));
        return bits === want ? undefined : `expected ${show(want)}, got ${show(bits)}`;
      }
      case 'v128': {
        if (typeof actual !== 'bigint') return `expected v128, got ${String(actual)}`;
        const width = laneBits(expected.lane_type);
        const lanes = expected.value as string[];
        const mask = (1n << BigInt(width)) - 1n;
        const show = (): string => `0x${actual.toString(16).padStart(32, '0')}`;
        for (let i = 0; i < lanes.length; i++) {
          const lane = (actual >> BigInt(i * width)) & mask;
          const want = lanes[i];
          const ok = want.startsWith('nan:')
            ? matchesNaNPattern(lane, want, width as 32 | 64)
            : lane === BigInt.asUintN(width, BigInt(want));
          if (!ok) return `lane ${i} (${expected.lane_type}): expected ${want}, got ${show()} (lanes ${lanes.join(' ')})`;
        }
        return undefined;
      }
      case 'externref':
        if (text === undefined) return actual !== null ? undefined : 'expected a non-null externref, got null';
        if (text === 'null') return actual === null ? undefined : `expected null, got ${String(actual)}`;
        return actual === this.externref(text) ? undefined : `expected ref.extern ${text}, got ${JSON.stringify(actual)}`;
      case 'funcref':
        if (text === 'null') return actual === null ? undefined : 'expected a null funcref';
        return typeof actual === 'function' ? undefined : `expected a function, got ${String(actual)}`;
      default:
        return `unsupported result type ${expected.type}`;
    }
  }

  private assertTrap(command: WastCommand): CommandOutcome {
    const expected = command.text ?? '';
    try {
      this.perform(command.action as WastAction);
    } catch (error) {
      if (error instanceof ActionFailure) throw error;
      return trapMatches(error, expected);
    }
    return { status: 'failed', message: `expected a trap "${expected}", but the action returned` };
  }

  private assertInstantiationFails(command: WastCommand, directory: string): CommandOutcome {
    const expected = command.text ?? '';
    const bytes = new Uint8Array(readFileSync(join(directory, command.filename!)));
    try {
      this.instantiate(bytes);
    } catch (error) {
      if (command.type === 'assert_unlinkable') {
        return error instanceof LinkError ? { status: 'passed' } : { status: 'failed', message: `expected a LinkError ("${expected}"), got ${describe(error)}` };
      }
      return trapMatches(error, expected);
    }
    return { status: 'failed', message: `expected instantiation to fail with "${expected}"` };
  }
}

function isReference(type: ValType): boolean {
  return type === ValType.FuncRef || type === ValType.ExternRef;
}

function trapMatches(error: unknown, expected: string): CommandOutcome {
  if (!(error instanceof RuntimeError)) return { status: 'failed', message: `expected RuntimeError "${expected}", got ${describe(error)}` };
  if (expected.startsWith(error.message) || error.message.startsWith(expected)) return { status: 'passed' };
  return { status: 'failed', message: `expected trap "${expected}", got "${error.message}"` };
}
