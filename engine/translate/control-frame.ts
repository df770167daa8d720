// Stage: translation (WebAssembly → LLVM IR). A control frame of the translator (Core spec
// §3.3.8 / appendix §7.3 "ctrl_frame", extended with what code generation needs): its kind
// and block type, the operand-stack height it started at, the LLVM block that follows it
// (allocated on the first branch to it), the edges that reach that block with the values
// they carry (its phis are written at `end`, when every edge is known), a loop's header
// with its parameter phis, and an `if`'s pending conditional branch.

import { NO_TYPES, type ValType } from '../wasm/value-types.js';

export const enum FrameKind {
  Block = 0,
  Loop = 1,
  If = 2,
  Else = 3,
  Function = 4,
}

export class ControlFrame {
  kind = FrameKind.Block;
  /** False for a frame opened in unreachable code: nothing is emitted for it or inside it. */
  live = true;
  params: readonly ValType[] = NO_TYPES;
  results: readonly ValType[] = NO_TYPES;
  /** Operand-stack height below the frame's parameters. */
  height = 0;
  /** Label of the block after the frame ('' until something branches there). */
  endLabel = '';
  /** Edges into the end block (or, for a loop, into its header, the entry edge first). */
  edgeCount = 0;
  /** Per edge, the values it carries (label arity each), flattened. */
  readonly edgeValues: string[] = [];
  /** Per edge, the block it comes from (only recorded when the label arity is not 0). */
  readonly edgeBlocks: string[] = [];
  /** Loop: header block label, the reserved line of its phis and the phi names. */
  headerLabel = '';
  headerPhiLine = -1;
  readonly headerPhis: string[] = [];
  /** If: the reserved line of the conditional branch, its condition, the then-block and the block the branch is in. */
  ifBranchLine = -1;
  ifCondition = '';
  thenLabel = '';
  ifBlock = '';
  /** If: the parameter values at the `if`, which the else-arm (or the missing one) starts with. */
  readonly ifParams: string[] = [];

  /** Label arity: what a branch to this frame carries. */
  get labelTypes(): readonly ValType[] {
    return this.kind === FrameKind.Loop ? this.params : this.results;
  }

  reset(kind: FrameKind, live: boolean, params: readonly ValType[], results: readonly ValType[], height: number): void {
    this.kind = kind;
    this.live = live;
    this.params = params;
    this.results = results;
    this.height = height;
    this.endLabel = '';
    this.edgeCount = 0;
    this.edgeValues.length = 0;
    this.edgeBlocks.length = 0;
    this.headerLabel = '';
    this.headerPhiLine = -1;
    this.headerPhis.length = 0;
    this.ifBranchLine = -1;
    this.ifCondition = '';
    this.thenLabel = '';
    this.ifBlock = '';
    this.ifParams.length = 0;
  }
}
