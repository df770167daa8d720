// Stage: translation (WebAssembly → LLVM IR). The text of one LLVM function as it is being
// written: SSA value and block names, the current block, the entry block's prologue
// (allocas, loads an environment hoists there), and the function's single trap block —
// every trapping check branches to it with its trap code, a `phi` selects the code and the
// environment's trap call follows (LLVM-MAPPING.md "Control flow and calls": one trap block
// per function). Both the translator and the environment (environment.ts) write through it.
//
// Text is kept as an array of lines joined once at the end; a line can be replaced later
// (loop-header phis, whose back edges are only known at the loop's `end`). Values are named
// compactly (%v12, blocks b7) because the text is parsed again by LLVM: shorter is faster.

import { PROF_TRAP_ON_TRUE } from './ir-module.js';
import type { IrModuleBuilder } from './ir-module.js';

/** Name of the block where translated code starts (the entry block holds the prologue). */
export const START_BLOCK = 'start';
const TRAP_BLOCK = 'trap';

export class FunctionBuilder {
  /** Lines of the body, from the `start` block on. */
  readonly body: string[] = [];
  /** Lines of the entry block before its terminator. */
  readonly prologue: string[] = [];
  /** The block instructions are appended to. */
  currentBlock = START_BLOCK;
  /** Set when the function calls another wasm function (it then needs a stack check). */
  makesCalls = false;
  private valueCounter = 0;
  private labelCounter = 0;
  private trapEdges = '';
  private trapEdgeCount = 0;

  constructor(readonly module: IrModuleBuilder) {}

  /** Resets for the next function (the builder is reused across functions). */
  reset(): void {
    this.body.length = 0;
    this.prologue.length = 0;
    this.currentBlock = START_BLOCK;
    this.makesCalls = false;
    this.valueCounter = 0;
    this.labelCounter = 0;
    this.trapEdges = '';
    this.trapEdgeCount = 0;
    this.body.push(`${START_BLOCK}:`);
  }

  /** A fresh SSA value name, e.g. `%v12`. */
  value(): string {
    return `%v${this.valueCounter++}`;
  }

  /** A fresh block label without the `%`, e.g. `b7`. */
  label(): string {
    return `b${this.labelCounter++}`;
  }

  /** Appends one instruction (indented) to the current block. */
  emit(instruction: string): void {
    this.body.push(`  ${instruction}`);
  }

  /** Appends `%vN = <expression>` and returns `%vN`. */
  assign(expression: string): string {
    const name = `%v${this.valueCounter++}`;
    this.body.push(`  ${name} = ${expression}`);
    return name;
  }

  /** Appends `%vN = <expression>` to the entry block's prologue and returns `%vN`. */
  assignInPrologue(expression: string): string {
    const name = `%v${this.valueCounter++}`;
    this.prologue.push(`  ${name} = ${expression}`);
    return name;
  }

  /** Appends a line to the prologue (e.g. an alloca or an initialising store). */
  emitInPrologue(instruction: string): void {
    this.prologue.push(`  ${instruction}`);
  }

  /** Starts block `label`; the previous block must have been terminated. */
  startBlock(label: string): void {
    this.body.push(`${label}:`);
    this.currentBlock = label;
  }

  /** Reserves a line to be filled in later (e.g. phis of a loop header); returns its index. */
  reserveLine(): number {
    this.body.push('');
    return this.body.length - 1;
  }

  setLine(index: number, text: string): void {
    this.body[index] = text;
  }

  /**
   * Branches to the trap block with `code` (an i32 constant or value) when `condition` (i1)
   * is true, and continues in a new block. The edge is marked cold.
   */
  trapIf(condition: string, code: number | string): void {
    const next = this.label();
    this.body.push(`  br i1 ${condition}, label %${TRAP_BLOCK}, label %${next}, !prof ${PROF_TRAP_ON_TRUE}`);
    this.addTrapEdge(code, this.currentBlock);
    this.startBlock(next);
  }

  /** Terminates the current block with an unconditional trap. */
  trap(code: number): void {
    this.body.push(`  br label %${TRAP_BLOCK}`);
    this.addTrapEdge(code, this.currentBlock);
  }

  /** Records an edge into the trap block from `block` (whose terminator the caller writes). */
  addTrapEdge(code: number | string, block: string): void {
    this.trapEdges += this.trapEdgeCount === 0 ? `[ ${code}, %${block} ]` : `, [ ${code}, %${block} ]`;
    this.trapEdgeCount++;
  }

  get trapBlockLabel(): string {
    return TRAP_BLOCK;
  }

  get hasTrapEdges(): boolean {
    return this.trapEdgeCount !== 0;
  }

  /** The phi that selects the trap code in the trap block (call after all edges exist). */
  trapCodePhi(): string {
    return `phi i32 ${this.trapEdges}`;
  }
}
