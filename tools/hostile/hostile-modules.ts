// Stage: denial-of-service tests (issue 9, item 5). Generators of small hostile modules:
// valid WebAssembly 2.0 binaries (Core spec §5) whose shape makes a compiler's work grow
// faster than their size — deep nesting of `if`, `block`, `loop` and `br_if`, huge
// `br_table`s, tens of thousands of locals, function bodies of megabytes, deep operand
// stacks, many trap edges, many functions. Each is written byte by byte (no tool), quickly
// enough for the largest (a 7 MB body) to be made inside a test.

/** A growable byte buffer with the binary format's integer encodings. */
import { s32, u32 } from '../../test/support/module-bytes.js';

export class ByteWriter {
  private buffer: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.buffer = new Uint8Array(Math.max(16, capacity));
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  byte(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  bytes(values: ArrayLike<number>): this {
    this.reserve(values.length);
    for (let i = 0; i < values.length; i++) this.buffer[this.length++] = values[i];
    return this;
  }

  /** Unsigned LEB128 (u32). */
  u32(value: number): this {
    return this.bytes(u32(value));
  }

  /** Signed LEB128 (s32). */
  s32(value: number): this {
    return this.bytes(s32(value));
  }

  /** `count` copies of `pattern`. */
  repeat(pattern: ArrayLike<number>, count: number): this {
    this.reserve(pattern.length * count);
    for (let i = 0; i < count; i++) this.bytes(pattern);
    return this;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
const EMPTY_BLOCK = 0x40;
const END = 0x0b;

interface FunctionType {
  readonly params: readonly number[];
  readonly results: readonly number[];
}

interface ModuleShape {
  readonly types: readonly FunctionType[];
  /** Type index of each defined function. */
  readonly functions: readonly number[];
  /** Minimum pages of one memory, if any. */
  readonly memoryPages?: number;
  /** Minimum (and maximum) elements of one funcref table, if any. */
  readonly table?: { readonly min: number; readonly max?: number };
  /** Exported function indices, as "f<index>". */
  readonly exports?: readonly number[];
  /** Each function's body, local declarations included, without its size prefix. */
  readonly bodies: readonly Uint8Array[];
}

function section(out: ByteWriter, id: number, content: Uint8Array): void {
  out.byte(id).u32(content.length).bytes(content);
}

/** Encodes a module of the given shape (sections in the binary format's order). */
export function encodeModule(shape: ModuleShape): Uint8Array {
  const out = new ByteWriter(1024 + shape.bodies.reduce((sum, body) => sum + body.length + 5, 0));
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const types = new ByteWriter().u32(shape.types.length);
  for (const type of shape.types) {
    types.byte(0x60).u32(type.params.length).bytes(type.params).u32(type.results.length).bytes(type.results);
  }
  section(out, 1, types.finish());
  const functions = new ByteWriter().u32(shape.functions.length);
  for (const typeIndex of shape.functions) functions.u32(typeIndex);
  section(out, 3, functions.finish());
  if (shape.table !== undefined) {
    const { min, max } = shape.table;
    const table = new ByteWriter().u32(1).byte(0x70);
    if (max === undefined) table.byte(0x00).u32(min);
    else table.byte(0x01).u32(min).u32(max);
    section(out, 4, table.finish());
  }
  if (shape.memoryPages !== undefined) section(out, 5, new ByteWriter().u32(1).byte(0x00).u32(shape.memoryPages).finish());
  const exported = shape.exports ?? [];
  if (exported.length > 0) {
    const exports = new ByteWriter().u32(exported.length);
    for (const index of exported) {
      const name = new TextEncoder().encode(`f${index}`);
      exports.u32(name.length).bytes(name).byte(0x00).u32(index);
    }
    section(out, 7, exports.finish());
  }
  const code = new ByteWriter(shape.bodies.reduce((sum, body) => sum + body.length + 5, 16)).u32(shape.bodies.length);
  for (const body of shape.bodies) code.u32(body.length).bytes(body);
  section(out, 10, code.finish());
  return out.finish();
}

/** A function body: local declarations as [count, type] groups, then `write` adds the code (without the final end). */
function functionBody(locals: readonly [number, number][], write: (code: ByteWriter) => void, capacity = 1024): Uint8Array {
  const code = new ByteWriter(capacity).u32(locals.length);
  for (const [count, type] of locals) code.u32(count).byte(type);
  write(code);
  code.byte(END);
  return code.finish();
}

/** One exported function of type `params -> results`. */
function oneFunction(type: FunctionType, body: Uint8Array, memoryPages?: number): Uint8Array {
  return encodeModule({ types: [type], functions: [0], memoryPages, exports: [0], bodies: [body] });
}

const I32_TO_NONE: FunctionType = { params: [I32], results: [] };
const I32_TO_I32: FunctionType = { params: [I32], results: [I32] };

// ---------------------------------------------------------------- the generators

/** `depth` nested `if`s on the parameter, nothing else (5 bytes per level: 10,000 → 49 KiB). */
export function nestedIfs(depth: number): Uint8Array {
  const body = functionBody([], (code) => {
    code.repeat([0x20, 0x00, 0x04, EMPTY_BLOCK], depth); // local.get 0; if
    code.repeat([END], depth);
  }, depth * 5 + 16);
  return oneFunction(I32_TO_NONE, body);
}

/** `depth` nested `if (result i32) … else … end`, each arm adding to the inner result: phis at every level. */
export function nestedIfElseValues(depth: number): Uint8Array {
  const body = functionBody([], (code) => {
    code.repeat([0x20, 0x00, 0x04, I32], depth); // local.get 0; if (result i32)
    code.bytes([0x20, 0x00]); // innermost value
    // end of each `then` arm: +1; else arm: the parameter
    code.repeat([0x41, 0x01, 0x6a, 0x05, 0x20, 0x00, END], depth); // i32.const 1; i32.add; else; local.get 0; end
  }, depth * 11 + 16);
  return oneFunction(I32_TO_I32, body);
}

/** `depth` nested blocks, each opening with `br_if 0` on the parameter (a ladder of conditional exits). */
export function nestedBrIfs(depth: number): Uint8Array {
  const body = functionBody([], (code) => {
    code.repeat([0x02, EMPTY_BLOCK, 0x20, 0x00, 0x0d, 0x00], depth); // block; local.get 0; br_if 0
    code.repeat([END], depth);
  }, depth * 7 + 16);
  return oneFunction(I32_TO_NONE, body);
}

/** `depth` nested blocks; at each end a `br_if 1` to the enclosing block's end. */
export function nestedBlocks(depth: number): Uint8Array {
  const body = functionBody([], (code) => {
    code.repeat([0x02, EMPTY_BLOCK], depth);
    code.repeat([0x20, 0x00, 0x0d, 0x01, END], depth - 1); // local.get 0; br_if 1; end
    code.byte(END);
  }, depth * 7 + 16);
  return oneFunction(I32_TO_NONE, body);
}

/**
 * `depth` nested loops: each loop's back edge (`br_if 0` on a decremented counter) comes
 * after the loop nested in it, so the loop nest is `depth` deep.
 */
export function nestedLoops(depth: number): Uint8Array {
  const body = functionBody([], (code) => {
    code.repeat([0x03, EMPTY_BLOCK], depth);
    // local.get 0; i32.const 1; i32.sub; local.tee 0; br_if 0; end
    code.repeat([0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, END], depth);
  }, depth * 12 + 16);
  return oneFunction(I32_TO_NONE, body);
}

/** `count` `if`s one after another (not nested), each incrementing a local: many blocks, shallow. */
export function sequentialIfs(count: number): Uint8Array {
  const body = functionBody([[1, I32]], (code) => {
    // local.get 0; if; local.get 1; i32.const 1; i32.add; local.set 1; end
    code.repeat([0x20, 0x00, 0x04, EMPTY_BLOCK, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, END], count);
    code.bytes([0x20, 0x01]);
  }, count * 12 + 16);
  return oneFunction(I32_TO_I32, body);
}

/**
 * `blocks` nested blocks with a `br_table` of `targets` entries (all distinct depths in
 * turn) innermost; after each block's end a local is changed, so the targets differ.
 */
export function bigBrTable(targets: number, blocks = Math.min(targets, 10_000)): Uint8Array {
  const body = functionBody([[1, I32]], (code) => {
    code.repeat([0x02, EMPTY_BLOCK], blocks);
    code.bytes([0x20, 0x00, 0x0e]).u32(targets);
    for (let i = 0; i < targets; i++) code.u32(i % blocks);
    code.u32(0);
    for (let i = 0; i < blocks; i++) {
      code.byte(END);
      code.bytes([0x20, 0x01, 0x41]).s32(i + 1).bytes([0x6a, 0x21, 0x01]); // local1 += i + 1
    }
    code.bytes([0x20, 0x01]);
  }, targets * 3 + blocks * 10 + 16);
  return oneFunction(I32_TO_I32, body);
}

/**
 * One function with `count` locals in all (its i32 parameter, the rest i64): each i64 local
 * is loaded from memory, then all are summed. 50,000 is the JS API's limit.
 */
export function manyLocalsLoadedAndSummed(count: number): Uint8Array {
  const locals = count - 1;
  const body = functionBody([[locals, I64]], (code) => {
    for (let i = 1; i <= locals; i++) code.bytes([0x20, 0x00, 0x29, 0x03]).u32(8 * i).byte(0x21).u32(i); // local.get 0; i64.load offset=8i; local.set i
    code.bytes([0x20, 0x01]);
    for (let i = 2; i <= locals; i++) code.byte(0x20).u32(i).byte(0x7c); // local.get i; i64.add
  }, locals * 14 + 16);
  const pages = Math.ceil((8 * (locals + 1)) / 65536) + 1;
  return oneFunction({ params: [I32], results: [I64] }, body, pages);
}

/**
 * A straight-line body of about `bytes` bytes: loads, integer and float arithmetic and
 * stores through three locals, no branches (the JS API limit is 7,654,321 bytes).
 */
export function straightLineBody(bytes: number): Uint8Array {
  // local.get 0; i32.load offset=16; local.get 1; i32.add; local.tee 1; local.get 2; i32.mul;
  // local.set 2; local.get 0; local.get 2; i32.store offset=32; local.get 3; f64.const 1.5;
  // f64.mul; local.set 3
  const pattern = [
    0x20, 0x00, 0x28, 0x02, 0x10, 0x20, 0x01, 0x6a, 0x22, 0x01, 0x20, 0x02, 0x6c, 0x21, 0x02,
    0x20, 0x00, 0x20, 0x02, 0x36, 0x02, 0x20,
    0x20, 0x03, 0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0xa2, 0x21, 0x03,
  ];
  const count = Math.max(1, Math.floor(bytes / pattern.length));
  const body = functionBody([[2, I32], [1, F64]], (code) => {
    code.repeat(pattern, count);
    code.bytes([0x20, 0x01]);
  }, count * pattern.length + 16);
  return oneFunction(I32_TO_I32, body, 1);
}

/** `count` divisions in a row: every one is two trap edges (divide by zero, overflow) to the one trap block. */
export function manyTrapEdges(count: number): Uint8Array {
  const body = functionBody([[1, I32]], (code) => {
    code.bytes([0x41, 0x01, 0x21, 0x01]); // local1 = 1
    code.repeat([0x20, 0x00, 0x20, 0x01, 0x6d, 0x21, 0x01], count); // local1 = local0 / local1
    code.bytes([0x20, 0x01]);
  }, count * 7 + 16);
  return oneFunction(I32_TO_I32, body);
}

/** An operand stack `depth` deep: `depth` constants, then `depth - 1` additions. */
export function deepOperandStack(depth: number): Uint8Array {
  const body = functionBody([], (code) => {
    for (let i = 0; i < depth; i++) code.byte(0x20).u32(0).byte(0x41).s32(i).byte(0x6a); // local.get 0; i32.const i; i32.add
    code.repeat([0x6a], depth - 1);
  }, depth * 6 + 16);
  return oneFunction(I32_TO_I32, body);
}

/** `count` live values across a loop: `count` locals updated from each other in a loop body. */
export function loopWithManyLiveLocals(count: number): Uint8Array {
  const body = functionBody([[count, I32]], (code) => {
    code.bytes([0x03, EMPTY_BLOCK]);
    for (let i = 1; i <= count; i++) {
      const previous = i === 1 ? count : i - 1;
      code.byte(0x20).u32(i).byte(0x20).u32(previous).byte(0x6a).byte(0x21).u32(i); // li = li + l(i-1)
    }
    code.bytes([0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, END]); // counter; br_if 0
    code.bytes([0x20, 0x01]);
  }, count * 12 + 32);
  return oneFunction(I32_TO_I32, body);
}

/**
 * `count` small functions, each adding a constant to the result of the one before it
 * (a call chain the inliner works through); the last is exported.
 */
export function manySmallFunctions(count: number): Uint8Array {
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    bodies.push(functionBody([], (code) => {
      if (i === 0) code.bytes([0x20, 0x00]);
      else code.bytes([0x20, 0x00, 0x10]).u32(i - 1); // call i-1
      code.byte(0x41).s32(i).byte(0x6a);
    }, 16));
  }
  return encodeModule({ types: [I32_TO_I32], functions: new Array<number>(count).fill(0), exports: [count - 1], bodies });
}

/** `count` calls in one body, to a small function defined before it. */
export function manyCallsInOneBody(count: number): Uint8Array {
  const callee = functionBody([], (code) => code.bytes([0x20, 0x00, 0x41, 0x03, 0x6c]));
  const caller = functionBody([], (code) => {
    code.bytes([0x20, 0x00]);
    code.repeat([0x10, 0x00], count); // call 0 (i32 -> i32)
  }, count * 2 + 16);
  return encodeModule({ types: [I32_TO_I32], functions: [0, 0], exports: [1], bodies: [callee, caller] });
}

/** A funcref table of `min` elements (above 10,000,000: the JS API's table size limit). */
export function bigTable(min: number, max?: number): Uint8Array {
  return encodeModule({ types: [], functions: [], table: { min, max }, bodies: [] });
}

/** A hostile module of the corpus: its name, what it is, how to make it, and what compiling it must give. */
export interface HostileModule {
  readonly name: string;
  readonly description: string;
  readonly make: () => Uint8Array;
  /** The CompileError's message (which names the limit), or undefined: the module must compile. */
  readonly rejectedWith?: RegExp;
}

const IR_LIMIT = /^function \d+ is too large to compile: more than \d+ bytes of LLVM IR \(maxFunctionIrBytes\)/;

/**
 * The corpus npm test compiles at the default options (test/hostile/hostile-corpus.test.ts):
 * the modules of issue 9, other shapes of the same kind, the largest of each shape under the
 * IR limit, and modules just under the guards' thresholds, which stay with the O2 pipeline.
 */
export const HOSTILE_MODULES: readonly HostileModule[] = [
  // Issue 9, item 5.
  { name: 'nested-ifs-10k', description: '10,000 nested ifs (49 KiB)', make: () => nestedIfs(10_000) },
  { name: 'nested-ifs-20k', description: '20,000 nested ifs', make: () => nestedIfs(20_000) },
  { name: 'nested-ifs-100k', description: '100,000 nested ifs', make: () => nestedIfs(100_000) },
  { name: 'nested-br-ifs-100k', description: '100,000 nested blocks opening with br_if', make: () => nestedBrIfs(100_000) },
  { name: 'locals-50k-i64-summed', description: '50,000 i64 locals loaded and summed', make: () => manyLocalsLoadedAndSummed(50_000) },
  { name: 'straight-line-7mb', description: 'a 7.6 MB straight-line body', make: () => straightLineBody(7_600_000), rejectedWith: IR_LIMIT },
  { name: 'table-10000001', description: 'a table of initial size 10,000,001 (compiles; instantiating it is a RangeError)', make: () => bigTable(10_000_001) },
  // More shapes.
  { name: 'nested-if-else-values-20k', description: '20,000 nested if/else with results (phis)', make: () => nestedIfElseValues(20_000) },
  { name: 'nested-blocks-100k', description: '100,000 nested blocks closing with br_if 1', make: () => nestedBlocks(100_000) },
  { name: 'nested-loops-20k', description: '20,000 nested loops', make: () => nestedLoops(20_000) },
  { name: 'sequential-ifs-100k', description: '100,000 ifs one after another', make: () => sequentialIfs(100_000) },
  { name: 'br-table-65520', description: 'br_table of 65,520 targets over 10,000 nested blocks', make: () => bigBrTable(65_520, 10_000) },
  { name: 'operand-stack-200k', description: 'an operand stack 200,000 deep', make: () => deepOperandStack(200_000) },
  { name: 'loop-live-locals-20k', description: 'a loop keeping 20,000 locals live', make: () => loopWithManyLiveLocals(20_000) },
  { name: 'small-functions-10k', description: '10,000 small functions in a call chain', make: () => manySmallFunctions(10_000) },
  { name: 'trap-edges-500k', description: '500,000 divisions (a million trap edges)', make: () => manyTrapEdges(500_000), rejectedWith: IR_LIMIT },
  { name: 'calls-1m', description: '1,000,000 calls in one body', make: () => manyCallsInOneBody(1_000_000), rejectedWith: IR_LIMIT },
  // The largest of the costliest shapes under the IR limit (32 MiB).
  { name: 'trap-edges-70k', description: '70,000 divisions (IR just under the limit)', make: () => manyTrapEdges(70_000) },
  { name: 'straight-line-1250k', description: 'a 1.25 MB straight-line body (IR just under the limit)', make: () => straightLineBody(1_250_000) },
  { name: 'calls-400k', description: '400,000 calls in one body', make: () => manyCallsInOneBody(400_000) },
  // Just under the thresholds: the optimising pipeline, in well under a second each.
  { name: 'nested-ifs-1000', description: 'nesting depth 1,000', make: () => nestedIfs(1_000) },
  { name: 'sequential-ifs-2000', description: '2,000 control constructs', make: () => sequentialIfs(2_000) },
  { name: 'br-table-1000', description: 'br_table over 1,000 nested blocks', make: () => bigBrTable(1_000) },
  { name: 'locals-1000-i64-summed', description: '1,000 locals loaded and summed', make: () => manyLocalsLoadedAndSummed(1_000) },
  { name: 'trap-edges-5000', description: '10,000 trap edges', make: () => manyTrapEdges(5_000) },
  { name: 'straight-line-115k', description: 'a straight line of 48,000 operators', make: () => straightLineBody(115_000) },
];
