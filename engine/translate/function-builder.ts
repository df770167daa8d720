// Stage: translation (WebAssembly → LLVM IR). The text of one LLVM function as it is being
// written: SSA value and block names, the current block, the entry block's prologue
// (allocas, loads an environment hoists there), and the function's single trap block —
// every trapping check branches to it with its trap code, a `phi` selects the code and the
// environment's trap call follows (LLVM-MAPPING.md "Control flow and calls": one trap block
// per function). Both the translator and the environment (environment.ts) write through it.
//
// Text is accumulated in strings (V8 concatenates them as ropes, flattened once at the end)
// and split into chunks only where a line must be filled in later (loop-header phis, whose
// back edges are only known at the loop's `end`; an `if`'s branch, whose false target is
// known at `else` or `end`). Values are named compactly (%v12, blocks b7), names cached
// across functions, because the text is parsed again by LLVM: shorter is faster.

import { PROF_TRAP_ON_TRUE } from './ir-module.js';
import type { IrModuleBuilder } from './ir-module.js';

/** Name of the block where translated code starts (the entry block holds the prologue). */
export const START_BLOCK = 'start';
const TRAP_BLOCK = 'trap';

/** `%v<n>` and `b<n>`, created once per process. */
const VALUE_NAMES: string[] = [];
const LABEL_NAMES: string[] = [];

export class FunctionBuilder {
  /** Completed chunks of the body; reserved lines are chunks of their own. */
  private readonly chunks: string[] = [];
  /** The body text after the last chunk. */
  private text = '';
  /** The entry block before its terminator. */
  private prologueText = '';
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
    this.chunks.length = 0;
    this.text = `${START_BLOCK}:\n`;
    this.prologueText = '';
    this.currentBlock = START_BLOCK;
    this.makesCalls = false;
    this.valueCounter = 0;
    this.labelCounter = 0;
    this.trapEdges = '';
    this.trapEdgeCount = 0;
  }

  /** A fresh SSA value name, e.g. `%v12`. */
  value(): string {
    const n = this.valueCounter++;
    return VALUE_NAMES[n] ?? (VALUE_NAMES[n] = `%v${n}`);
  }

  /** A fresh block label without the `%`, e.g. `b7`. */
  label(): string {
    const n = this.labelCounter++;
    return LABEL_NAMES[n] ?? (LABEL_NAMES[n] = `b${n}`);
  }

  /** Appends one instruction (indented) to the current block. */
  emit(instruction: string): void {
    this.text += `  ${instruction}\n`;
  }

  /** Appends `%vN = <expression>` and returns `%vN`. */
  assign(expression: string): string {
    const name = this.value();
    this.text += `  ${name} = ${expression}\n`;
    return name;
  }

  /** Appends `%vN = <expression>` to the entry block's prologue and returns `%vN`. */
  assignInPrologue(expression: string): string {
    const name = this.value();
    this.prologueText += `  ${name} = ${expression}\n`;
    return name;
  }

  /** Appends a line to the prologue (e.g. an alloca or an initialising store). */
  emitInPrologue(instruction: string): void {
    this.prologueText += `  ${instruction}\n`;
  }

  /** The prologue's text (instructions of the entry block before its terminator). */
  get prologue(): string {
    return this.prologueText;
  }

  /** Starts block `label`; the previous block must have been terminated. */
  startBlock(label: string): void {
    this.text += `${label}:\n`;
    this.currentBlock = label;
  }

  /** Reserves a line to be filled in later (e.g. phis of a loop header); returns its index. */
  reserveLine(): number {
    this.chunks.push(this.text, '');
    this.text = '';
    return this.chunks.length - 1;
  }

  /** Fills a reserved line (`text` without its final newline). */
  setLine(index: number, text: string): void {
    this.chunks[index] = `${text}\n`;
  }

  /** The body's text, from the `start` block to the end. */
  bodyText(): string {
    const chunks = this.chunks;
    if (chunks.length === 0) return this.text;
    chunks.push(this.text);
    this.text = '';
    return chunks.join('');
  }

  /**
   * Branches to the trap block with `code` (an i32 constant or value) when `condition` (i1)
   * is true, and continues in a new block. The edge is marked cold.
   */
  trapIf(condition: string, code: number | string): void {
    const next = this.label();
    this.text += `  br i1 ${condition}, label %${TRAP_BLOCK}, label %${next}, !prof ${PROF_TRAP_ON_TRUE}\n`;
    this.addTrapEdge(code, this.currentBlock);
    this.startBlock(next);
  }

  /** Terminates the current block with an unconditional trap. */
  trap(code: number): void {
    this.text += `  br label %${TRAP_BLOCK}\n`;
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
