// Stage: validation of function bodies (Core spec §3.3.8, `call`), for the stage after it:
// the direct callees of every body, noted by the validator as it accepts each `call`, so
// that a compile that validates every body anyway (tiering: 'lazy' and 'tiered') gets the
// call graph its code units follow (translate/code-units.ts) without a second pass over the
// bodies — that pass decoded every operator again and took as long as validation itself.

import { keepShape } from '../wasm/shape-anchors.js';

/** Direct callees (defined functions, without duplicates) of each body, in code-section order: body i's are targets[starts[i] .. starts[i + 1]). */
export interface CallGraph {
  readonly starts: Uint32Array;
  readonly targets: Int32Array;
}

/** Collects a CallGraph while the bodies are validated in order (FunctionValidator.calls). */
export class DirectCallRecorder {
  private readonly starts: Uint32Array;
  private targets: Int32Array;
  private count = 0;
  /** For each function, the function index of the last body that called it (dedupes per body). */
  private readonly seen: Int32Array;
  private caller = -1;
  private ordinal = -1;

  constructor(
    private readonly importedCount: number,
    functionCount: number,
    bodyCount: number,
  ) {
    this.starts = new Uint32Array(bodyCount + 1);
    this.targets = new Int32Array(Math.max(16, bodyCount));
    this.seen = new Int32Array(functionCount).fill(-1);
    keepShape(this);
  }

  /** The validator starts body number `ordinal` (its index among the bodies), of function `functionIndex`. */
  beginBody(ordinal: number, functionIndex: number): void {
    this.ordinal = ordinal;
    this.caller = functionIndex;
    this.starts[ordinal] = this.count;
    this.starts[ordinal + 1] = this.count;
  }

  /** A valid `call` of `callee` in the current body. */
  note(callee: number): void {
    if (callee < this.importedCount || this.seen[callee] === this.caller) return;
    this.seen[callee] = this.caller;
    if (this.count === this.targets.length) {
      const grown = new Int32Array(this.targets.length * 2);
      grown.set(this.targets);
      this.targets = grown;
    }
    this.targets[this.count++] = callee;
    this.starts[this.ordinal + 1] = this.count;
  }

  /** The graph; complete once every body was validated. */
  graph(): CallGraph {
    return { starts: this.starts, targets: this.targets.subarray(0, this.count) };
  }
}
