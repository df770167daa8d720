// Stage: translation (WebAssembly → LLVM IR). What an operator's emitter sees of the function
// being translated: the operand stack (LLVM value text and wasm types), the control stack,
// the load-liveness bookkeeping it must keep up to date (load-liveness.ts), and where IR
// goes (the FunctionBuilder and the environment). FunctionTranslator implements it; the
// emitter files (emit-*.ts) depend on this interface only, so they and the translator's
// operator loop do not import each other.

import type { ModuleInfo } from '../binary/module-info.js';
import type { Operator } from '../binary/operator-reader.js';
import type { ValType } from '../wasm/value-types.js';
import type { ControlFrame, FrameKind } from './control-frame.js';
import type { FunctionEnvironment, ModuleEnvironment } from './environment.js';
import type { FunctionBuilder } from './function-builder.js';
import type { Signature } from './ir-types.js';
import type { LoadRecord } from './load-liveness.js';

/** Translates one operator; the translator's `offset` is the operator's byte offset. */
export type OperatorEmitter = (translator: TranslatorState, operator: Operator) => void;

export interface TranslatorState {
  readonly builder: FunctionBuilder;
  readonly environment: FunctionEnvironment;
  readonly moduleEnvironment: ModuleEnvironment;
  readonly module: ModuleInfo;
  readonly trustAlignmentHints: boolean;
  readonly declareCallees: boolean;
  /** The target has SSSE3 (pshufb for i8x16.swizzle). */
  readonly x86Ssse3: boolean;
  /** The IR gets no optimisation (FunctionTranslationOptions.unoptimized): emitters spell out what fast instruction selection lacks. */
  readonly unoptimized: boolean;
  /** Byte offset of the operator being translated (for errors). */
  readonly offset: number;
  readonly functionIndex: number;
  readonly signature: Signature;
  /** Results of f64.promote_f32 in this function (see emit-conversion.ts, emitDemote). */
  readonly promotedValues: Set<string>;
  /** Bitcasts between a v128 and its lane shapes already made (vector-shapes.ts, viewAs). */
  readonly vectorViews: Map<string, string>;

  // ---- Operand stack: `height` entries of value text and wasm type ----
  height: number;
  readonly values: string[];
  readonly types: Uint8Array;
  /** For an i32 that is `zext i1 %c`: that `%c` (so branches and selects use it directly), else ''. */
  readonly conditions: string[];
  /** Per slot, the loads its value depends on that may still be deleted (load-liveness.ts). */
  readonly pendingLoads: (LoadRecord[] | undefined)[];
  push(value: string, type: ValType): void;
  pop(): string;
  /** The value `depth` below the top (0 = top) without popping it. */
  peek(depth: number): string;
  /** Pushes the i32 `value`, which is `zext i1 condition to i32`. */
  pushCondition(value: string, condition: string): void;
  /** Pops an i32 used as a condition and returns it as an i1; its pending loads are anchored. */
  popCondition(): string;
  localType(index: number): ValType;
  /** Locals of the function, parameters first. */
  readonly localCount: number;

  // ---- Tiered execution: on-stack replacement (emit-osr.ts) ----
  /** Loops emitted so far in this function (reachable ones, in order): the next loop's ordinal. */
  loopOrdinal: number;
  /** The translation is the function's OSR entry for the candidate loops from this ordinal on (emit-osr.ts); undefined otherwise. */
  readonly osrFromLoop: number | undefined;
  /** In an OSR entry: the ordinals of the candidate loops translated so far, whose headers are osrTargetLabel(ordinal). */
  readonly osrTargets: number[];
  /** Loop frames on the control stack. */
  enclosingLoops(): number;

  // ---- Control stack ----
  /** Whether the current position is reachable (the current LLVM block is open). */
  reachable: boolean;
  pushFrame(kind: FrameKind, live: boolean, params: readonly ValType[], results: readonly ValType[], height: number): ControlFrame;
  /** Frame at label depth `depth` (0 = innermost). */
  frame(depth: number): ControlFrame;
  popFrame(): void;
  /** Params and results of a block type (s33: type index, -64 empty, or a single result). */
  blockSignature(blockType: number): { params: readonly ValType[]; results: readonly ValType[] };
  /** Declares callee `symbol` when functions are compiled into separate LLVM modules. */
  declareCallee(symbol: string, signature: Signature): void;

  // ---- Load liveness (load-liveness.ts) ----
  /** Anchors the pending loads of stack slots [from, to) (an empty inline-asm use of each). */
  anchorLoads(from: number, to: number): void;
  /** Anchors every load not yet safe, wherever its value is (stack or locals). */
  anchorAllLoads(): void;
  /** The loads of slots [from, to) are used where LLVM must compute them (a store): safe. */
  keepLoads(from: number, to: number): void;
  /** Records the load whose value is on top of the stack, after those of its address. */
  recordLoad(operand: string, addressLoads: LoadRecord[] | undefined): void;
  /** local.set/tee: the local now holds the value of slot `slot` (and its loads). */
  setLocalLoads(index: number, slot: number, take: boolean): void;
  /** local.get: the value pushed last is local `index`'s. */
  getLocalLoads(index: number): void;
}
