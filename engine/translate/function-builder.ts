// Stage: translation (WebAssembly → LLVM IR). The text of one LLVM function as it is being
// written: SSA value and block names, the current block, the entry block's prologue
// (allocas, loads an environment hoists there), and the function's single trap block —
// every trapping check branches to it with its trap code, a `phi` selects the code and the
// environment's trap call follows (LLVM-MAPPING.md "Control flow and calls": one trap block
// per function). Both the translator and the environment (environment.ts) write through it.
//
// Text goes straight into byte buffers (ir-text.ts); a line that must be filled in later
// (loop-header phis, whose back edges are only known at the loop's `end`; an `if`'s branch,
// whose false target is known at `else` or `end`) is a reservation at an offset, spliced in
// when the function is written out. Values are named compactly (%v12, blocks b7), names
// cached across functions, because the text is parsed again by LLVM: shorter is faster.

import { keepShape } from '../wasm/shape-anchors.js';
import { PROF_TRAP_ON_TRUE } from './ir-module.js';
import type { IrModuleBuilder } from './ir-module.js';
import { IrText } from './ir-text.js';

/** Name of the block where translated code starts (the entry block holds the prologue). */
export const START_BLOCK = 'start';
const TRAP_BLOCK = 'trap';

/** `%v<n>` and `b<n>`, created once per process. */
const VALUE_NAMES: string[] = [];
const LABEL_NAMES: string[] = [];

export class FunctionBuilder {
  /** The body, from the `start` block on, without its reserved lines. */
  private readonly text = new IrText();
  /** The entry block before its terminator. */
  readonly prologue = new IrText(1 << 12);
  /** Reserved lines: where they go in `text`, and their text once known. */
  private readonly reservedOffsets: number[] = [];
  private readonly reservedLines: string[] = [];
  /** The block instructions are appended to. */
  currentBlock = START_BLOCK;
  /** Set when the function calls another wasm function (it then needs a stack check). */
  makesCalls = false;
  private valueCounter = 0;
  private labelCounter = 0;
  private trapEdges = '';
  private trapEdgeCount = 0;

  constructor(readonly module: IrModuleBuilder) {
    keepShape(this);
  }

  /** Resets for the next function (the builder is reused across functions). */
  reset(): void {
    this.text.clear();
    this.text.write(`${START_BLOCK}:\n`);
    this.prologue.clear();
    this.reservedOffsets.length = 0;
    this.reservedLines.length = 0;
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
    const text = this.text;
    text.write('  ');
    text.write(instruction);
    text.write('\n');
  }

  /** Appends `%vN = <expression>` and returns `%vN`. */
  assign(expression: string): string {
    const name = this.value();
    const text = this.text;
    text.write('  ');
    text.write(name);
    text.write(' = ');
    text.write(expression);
    text.write('\n');
    return name;
  }

  /** Appends `%vN = <expression>` to the entry block's prologue and returns `%vN`. */
  assignInPrologue(expression: string): string {
    const name = this.value();
    const prologue = this.prologue;
    prologue.write('  ');
    prologue.write(name);
    prologue.write(' = ');
    prologue.write(expression);
    prologue.write('\n');
    return name;
  }

  /** Appends a line to the prologue (e.g. an alloca or an initialising store). */
  emitInPrologue(instruction: string): void {
    const prologue = this.prologue;
    prologue.write('  ');
    prologue.write(instruction);
    prologue.write('\n');
  }

  /** Starts block `label`; the previous block must have been terminated. */
  startBlock(label: string): void {
    const text = this.text;
    text.write(label);
    text.write(':\n');
    this.currentBlock = label;
  }

  /** Reserves a line to be filled in later (e.g. phis of a loop header); returns its index. */
  reserveLine(): number {
    this.reservedOffsets.push(this.text.length);
    this.reservedLines.push('');
    return this.reservedLines.length - 1;
  }

  /** Fills a reserved line (`text` without its final newline). */
  setLine(index: number, text: string): void {
    this.reservedLines[index] = `${text}\n`;
  }

  /** Writes the body, reserved lines in place, to `output`. */
  writeBody(output: IrText): void {
    let from = 0;
    const offsets = this.reservedOffsets;
    for (let i = 0; i < offsets.length; i++) {
      output.append(this.text, from, offsets[i]);
      output.write(this.reservedLines[i]);
      from = offsets[i];
    }
    output.append(this.text, from, this.text.length);
  }

  /**
   * Branches to the trap block with `code` (an i32 constant or value) when `condition` (i1)
   * is true, and continues in a new block. The edge is marked cold.
   */
  trapIf(condition: string, code: number | string): void {
    const next = this.label();
    this.emit(`br i1 ${condition}, label %${TRAP_BLOCK}, label %${next}, !prof ${PROF_TRAP_ON_TRUE}`);
    this.addTrapEdge(code, this.currentBlock);
    this.startBlock(next);
  }

  /** Terminates the current block with an unconditional trap. */
  trap(code: number): void {
    this.emit(`br label %${TRAP_BLOCK}`);
    this.addTrapEdge(code, this.currentBlock);
  }

  /** Records an edge into the trap block from `block` (whose terminator the caller writes). */
  addTrapEdge(code: number | string, block: string): void {
    this.trapEdges += this.trapEdgeCount === 0 ? `[ ${code}, %${block} ]` : `, [ ${code}, %${block} ]`;
    this.trapEdgeCount++;
  }

  /** Edges into the trap block so far. */
  get trapEdgeTotal(): number {
    return this.trapEdgeCount;
  }

  /** Bytes of IR text written for the function so far (prologue and body). */
  get textBytes(): number {
    return this.text.length + this.prologue.length;
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
