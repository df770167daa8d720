// Stage: translation (WebAssembly → LLVM IR), before any body is translated: which defined
// functions go into which code unit. A code unit is one LLVM module, translated, optimised
// and compiled on its own (in parallel with the others: engine/native/src/compile_batch.h)
// and linked with the rest of the wasm module into one JITDylib. Units bound the memory of
// a compile (no module-sized IR) and give the thread pool work to share.
//
// Cutting the module costs inlining across units, so the cut follows the call graph
// (direct `call`s, Core spec §4.4.8): a function called from exactly one other function
// joins its caller's cluster (LLVM inlines such a callee whatever its size when it is
// internal, and the kernels of benchmark programs are such callees of main), as long as the
// cluster stays under the unit size; clusters are then packed into units in order of their
// first function (toolchains lay out a translation unit's functions together). Functions
// called from another unit get external linkage; the rest stay internal. Everything here
// depends on the module's bytes and the unit size only, never on the thread count, so the
// machine code is the same however many threads compile it.

import type { ModuleInfo } from '../binary/module-info.js';
import { Operator, OperatorReader } from '../binary/operator-reader.js';
import { Op } from '../wasm/opcodes.js';
import type { CallGraph } from '../validate/direct-calls.js';

/** Default bound of one unit: bytes of wasm function bodies (docs/RATIONALE.md, "Why code units?"). */
export const DEFAULT_UNIT_BODY_BYTES = 16 * 1024;

export interface CodeUnits {
  /** Function indices (defined functions only) of each unit, ascending within a unit. */
  readonly units: readonly (readonly number[])[];
  /** Unit of each function, by function index (-1 for imported functions). */
  readonly unitOf: Int32Array;
  /** 1 for each defined function called directly from a function of another unit. */
  readonly calledFromOtherUnits: Uint8Array;
}

export type { CallGraph } from '../validate/direct-calls.js';

/**
 * Direct callees (defined functions, without duplicates) of each defined function, in the
 * order of the code section. A body that does not decode stops being scanned where it
 * stops decoding: the validator reports it later, with its offset, when it gets there.
 */
export function directCallees(module: ModuleInfo): CallGraph {
  const operator = new Operator();
  const imported = module.importedFunctionCount;
  const functionCount = module.functionTypeIndices.length;
  const bodies = module.functionBodies;
  const starts = new Uint32Array(bodies.length + 1);
  let targets = new Int32Array(Math.max(16, bodies.length));
  let count = 0;
  const seen = new Int32Array(functionCount).fill(-1);
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i];
    const reader = new OperatorReader(module.bytes, body.codeStart, body.end);
    try {
      while (!reader.atEnd()) {
        reader.read(operator);
        if (operator.opcode !== Op.Call) continue;
        const callee = operator.index;
        if (callee < imported || callee >= functionCount || seen[callee] === body.functionIndex) continue;
        seen[callee] = body.functionIndex;
        if (count === targets.length) {
          const grown = new Int32Array(targets.length * 2);
          grown.set(targets);
          targets = grown;
        }
        targets[count++] = callee;
      }
    } catch {
      // Malformed: validation will say where.
    }
    starts[i + 1] = count;
  }
  return { starts, targets: targets.subarray(0, count) };
}

/**
 * The direct callees of defined function `functionIndex` (defined functions only, without
 * duplicates, in the order of their first call): one body's part of directCallees, for a
 * function already validated.
 */
export function calleesOf(module: ModuleInfo, functionIndex: number): number[] {
  const imported = module.importedFunctionCount;
  const body = module.functionBodies[functionIndex - imported];
  const callees: number[] = [];
  const operator = new Operator();
  const reader = new OperatorReader(module.bytes, body.codeStart, body.end);
  while (!reader.atEnd()) {
    reader.read(operator);
    if (operator.opcode === Op.Call && operator.index >= imported && !callees.includes(operator.index)) callees.push(operator.index);
  }
  return callees;
}

/** Whether partitionIntoUnits makes one unit of `module` (and reads no call graph for it). */
export function isOneUnit(module: ModuleInfo, maxUnitBodyBytes: number): boolean {
  const bodies = module.functionBodies;
  if (bodies.length <= 1) return true;
  let total = 0;
  for (const body of bodies) total += body.end - body.start;
  return total <= maxUnitBodyBytes;
}

/**
 * Splits the defined functions into units of at most `maxUnitBodyBytes` bytes of bodies
 * (a single larger function is a unit of its own). A module within the bound is one unit,
 * and its call graph is not scanned. `calls`: the call graph when the validator listed it
 * (validate-module.ts, validateBodiesAndListCalls), else the bodies are scanned for it here.
 */
export function partitionIntoUnits(module: ModuleInfo, maxUnitBodyBytes = DEFAULT_UNIT_BODY_BYTES, calls?: CallGraph): CodeUnits {
  const bodies = module.functionBodies;
  const imported = module.importedFunctionCount;
  const functionCount = module.functionTypeIndices.length;
  const unitOf = new Int32Array(functionCount).fill(-1);
  const calledFromOtherUnits = new Uint8Array(functionCount);
  if (isOneUnit(module, maxUnitBodyBytes)) {
    for (const body of bodies) unitOf[body.functionIndex] = 0;
    return { units: bodies.length === 0 ? [] : [bodies.map((body) => body.functionIndex)], unitOf, calledFromOtherUnits };
  }

  const { starts, targets } = calls ?? directCallees(module);
  // Callers per defined function: 0, 1 (the sole caller's index in soleCaller) or 2 (several).
  const callerCount = new Uint8Array(bodies.length);
  const soleCaller = new Int32Array(bodies.length).fill(-1);
  for (let caller = 0; caller < bodies.length; caller++) {
    for (let k = starts[caller]; k < starts[caller + 1]; k++) {
      const local = targets[k] - imported;
      if (local === caller) continue;
      if (callerCount[local] === 0) {
        callerCount[local] = 1;
        soleCaller[local] = caller;
      } else if (soleCaller[local] !== caller) {
        callerCount[local] = 2;
      }
    }
  }

  // Clusters: union-find over local indices, each root holding its cluster's body bytes.
  const parent = new Int32Array(bodies.length);
  const clusterBytes = new Float64Array(bodies.length);
  for (let i = 0; i < bodies.length; i++) {
    parent[i] = i;
    clusterBytes[i] = bodies[i].end - bodies[i].start;
  }
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let callee = 0; callee < bodies.length; callee++) {
    if (callerCount[callee] !== 1) continue;
    const a = root(soleCaller[callee]);
    const b = root(callee);
    if (a === b || clusterBytes[a] + clusterBytes[b] > maxUnitBodyBytes) continue;
    // The root is the cluster's lowest index, so clusters are ordered by their first function.
    const [low, high] = a < b ? [a, b] : [b, a];
    parent[high] = low;
    clusterBytes[low] += clusterBytes[high];
  }

  // Members of each cluster as a chain (first[root] → next[...] → -1), in index order.
  const first = new Int32Array(bodies.length).fill(-1);
  const last = new Int32Array(bodies.length).fill(-1);
  const next = new Int32Array(bodies.length).fill(-1);
  for (let i = 0; i < bodies.length; i++) {
    const r = root(i);
    if (first[r] === -1) first[r] = i;
    else next[last[r]] = i;
    last[r] = i;
  }

  // Pack clusters, in order of their first function, into units.
  const units: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  for (let r = 0; r < bodies.length; r++) {
    if (first[r] === -1) continue;
    if (current.length > 0 && currentBytes + clusterBytes[r] > maxUnitBodyBytes) {
      units.push(current);
      current = [];
      currentBytes = 0;
    }
    for (let i = first[r]; i !== -1; i = next[i]) current.push(bodies[i].functionIndex);
    currentBytes += clusterBytes[r];
  }
  if (current.length > 0) units.push(current);
  units.forEach((unit, index) => {
    unit.sort((a, b) => a - b);
    for (const functionIndex of unit) unitOf[functionIndex] = index;
  });
  for (let caller = 0; caller < bodies.length; caller++) {
    const callerUnit = unitOf[bodies[caller].functionIndex];
    for (let k = starts[caller]; k < starts[caller + 1]; k++) if (unitOf[targets[k]] !== callerUnit) calledFromOtherUnits[targets[k]] = 1;
  }
  return { units, unitOf, calledFromOtherUnits };
}

/**
 * The partition as lines of text, for the code cache (compiled-module.ts keeps it beside a
 * lazily compiled module's code, so that a later compile of the same bytes needs neither the
 * call graph nor, therefore, a second validation of the bodies): one line per unit, its
 * function indices joined by commas, then one line `x:` with the functions called from other
 * units.
 */
export function unitsToLines(units: CodeUnits): string[] {
  const called: number[] = [];
  units.calledFromOtherUnits.forEach((flag, functionIndex) => {
    if (flag === 1) called.push(functionIndex);
  });
  return [...units.units.map((unit) => unit.join(',')), `x:${called.join(',')}`];
}

/**
 * The partition of `module` written by unitsToLines, or undefined if the lines are not one:
 * every defined function in exactly one unit, ascending within each, and nothing else.
 */
export function unitsFromLines(module: ModuleInfo, lines: readonly string[]): CodeUnits | undefined {
  const functionCount = module.functionTypeIndices.length;
  const imported = module.importedFunctionCount;
  const unitOf = new Int32Array(functionCount).fill(-1);
  const calledFromOtherUnits = new Uint8Array(functionCount);
  const parse = (text: string): number[] | undefined => {
    if (text === '') return [];
    const values = text.split(',').map(Number);
    return values.every((value) => Number.isInteger(value) && value >= imported && value < functionCount) ? values : undefined;
  };
  if (lines.length === 0 || !lines[lines.length - 1].startsWith('x:')) return undefined;
  const units: number[][] = [];
  let assigned = 0;
  for (let index = 0; index < lines.length - 1; index++) {
    const unit = parse(lines[index]);
    if (unit === undefined || unit.length === 0) return undefined;
    for (let i = 0; i < unit.length; i++) {
      if ((i > 0 && unit[i] <= unit[i - 1]) || unitOf[unit[i]] !== -1) return undefined;
      unitOf[unit[i]] = index;
    }
    assigned += unit.length;
    units.push(unit);
  }
  if (assigned !== module.functionBodies.length) return undefined;
  const called = parse(lines[lines.length - 1].slice(2));
  if (called === undefined) return undefined;
  for (const functionIndex of called) calledFromOtherUnits[functionIndex] = 1;
  return { units, unitOf, calledFromOtherUnits };
}
