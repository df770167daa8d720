// Stage: translation. The size and shape of one function body (Core spec §5.5.13 code,
// §2.4.8 control instructions), measured by the translator in its per-operator loop for a
// few increments per operator: what makes LLVM's optimiser or code generator super-linear
// on one function. The runtime's compile guards (engine/compile/compile-guards.ts) read
// them after each function to choose its pipeline or reject the module; the measurements
// behind the thresholds are in docs/RATIONALE.md ("Why a guarded pipeline ...?").

import { OPERATOR_ID_LIMIT, Op } from '../wasm/opcodes.js';

/** What the guards read: one function's metrics (a snapshot, or the live counters). */
export interface FunctionMetricValues {
  readonly functionIndex: number;
  /** Bytes of the body, local declarations included (the JS API limits this to 7,654,321). */
  readonly bodyBytes: number;
  /** Parameters and declared locals (the JS API limits this to 50,000). */
  readonly locals: number;
  /** Operators in the body, `end`s included. */
  readonly operators: number;
  /** `block`, `loop` and `if` constructs: each is one or more LLVM blocks. */
  readonly controlConstructs: number;
  /** Most constructs open at once (the function's own block not counted). */
  readonly maxNestingDepth: number;
  /** Branch edges: 1 per `br` and `br_if`, targets + 1 per `br_table`. */
  readonly branchEdges: number;
  /** Deepest operand stack. */
  readonly maxOperandStack: number;
  /** Operators in the longest run without a control operator: the largest basic block. */
  readonly longestStraightLine: number;
  /** Branches to the trap block (one per check that may trap: division, call_indirect, ...). */
  readonly trapEdges: number;
  /** Bytes of LLVM IR text the translator wrote for the body: what LLVM's work is proportional to. */
  readonly irBytes: number;
}

/** Opcodes that end a run of straight-line code. */
const ENDS_STRAIGHT_LINE = new Uint8Array(OPERATOR_ID_LIMIT);
for (const opcode of [Op.Unreachable, Op.Block, Op.Loop, Op.If, Op.Else, Op.End, Op.Br, Op.BrIf, Op.BrTable, Op.Return]) {
  ENDS_STRAIGHT_LINE[opcode] = 1;
}

/** The live counters of the function being translated (FunctionTranslator.metrics). */
export class FunctionMetrics implements FunctionMetricValues {
  functionIndex = 0;
  bodyBytes = 0;
  locals = 0;
  operators = 0;
  controlConstructs = 0;
  maxNestingDepth = 0;
  branchEdges = 0;
  maxOperandStack = 0;
  longestStraightLine = 0;
  trapEdges = 0;
  irBytes = 0;
  private straightLine = 0;

  reset(functionIndex: number, bodyBytes: number, locals: number): void {
    this.functionIndex = functionIndex;
    this.bodyBytes = bodyBytes;
    this.locals = locals;
    this.operators = 0;
    this.controlConstructs = 0;
    this.maxNestingDepth = 0;
    this.branchEdges = 0;
    this.maxOperandStack = 0;
    this.longestStraightLine = 0;
    this.trapEdges = 0;
    this.irBytes = 0;
    this.straightLine = 0;
  }

  /** Called for every operator with the operand stack height before it. */
  operator(opcode: number, stackHeight: number, brTableCount: number): void {
    this.operators++;
    if (stackHeight > this.maxOperandStack) this.maxOperandStack = stackHeight;
    if (ENDS_STRAIGHT_LINE[opcode] === 0) {
      this.straightLine++;
      return;
    }
    if (this.straightLine > this.longestStraightLine) this.longestStraightLine = this.straightLine;
    this.straightLine = 0;
    if (opcode === Op.Br || opcode === Op.BrIf) this.branchEdges++;
    else if (opcode === Op.BrTable) this.branchEdges += brTableCount + 1;
  }

  /** A `block`, `loop` or `if` opened; `depth` constructs are open now. */
  construct(depth: number): void {
    this.controlConstructs++;
    if (depth > this.maxNestingDepth) this.maxNestingDepth = depth;
  }

  /** The body's last operator was seen; the builder wrote `irBytes` of text with `trapEdges` trap branches. */
  finish(trapEdges: number, irBytes: number): void {
    if (this.straightLine > this.longestStraightLine) this.longestStraightLine = this.straightLine;
    this.straightLine = 0;
    this.trapEdges = trapEdges;
    this.irBytes = irBytes;
  }

  snapshot(): FunctionMetricValues {
    const { functionIndex, bodyBytes, locals, operators, controlConstructs, maxNestingDepth, branchEdges, maxOperandStack } = this;
    const { longestStraightLine, trapEdges, irBytes } = this;
    return { functionIndex, bodyBytes, locals, operators, controlConstructs, maxNestingDepth, branchEdges, maxOperandStack, longestStraightLine, trapEdges, irBytes };
  }
}
