// Unit tests: the validator's stack rules (Core spec appendix §7.3): operand and control
// stacks, polymorphic stack after unreachable/br/return, block types, br_table arities,
// and the state a translator reads after each step.
import { describe, expect, test } from 'vitest';
import { decodeAndValidateModule } from './validate-module.js';
import { ALL_FEATURES, ENGINE_FEATURES, unsupportedOperatorMessage } from '../wasm/features.js';
import { FrameKind, type FunctionValidator } from './function-validator.js';
import { OP_NAME } from '../wasm/opcodes.js';
import { ValType } from '../wasm/value-types.js';
import { F32, F64, I32, I64, V128, functionType, s32, singleFunctionModule } from '../../test/support/module-bytes.js';
import { compileErrorOf } from '../../test/support/expect-compile-error.js';

// The validator's own rules, SIMD included (the engine's default features reject SIMD
// operators until the translator has them: last test below).
const valid = (bytes: Uint8Array): void => {
  decodeAndValidateModule(bytes, undefined, ALL_FEATURES);
  decodeAndValidateModule(bytes, () => {}, ALL_FEATURES);
};
const problem = (bytes: Uint8Array, features = ALL_FEATURES): string => {
  const fast = compileErrorOf(() => decodeAndValidateModule(bytes, undefined, features));
  const general = compileErrorOf(() => decodeAndValidateModule(bytes, () => {}, features));
  expect(general.message).toBe(fast.message);
  return fast.problem;
};

describe('operand stack', () => {
  test('operands are checked against each instruction signature', () => {
    valid(singleFunctionModule([I32, I32], [I32], [0x20, 0, 0x20, 1, 0x6a, 0x0b]));
    expect(problem(singleFunctionModule([I32, I64], [I32], [0x20, 0, 0x20, 1, 0x6a, 0x0b]))).toBe('type mismatch: expected i32, found i64');
    expect(problem(singleFunctionModule([], [I32], [0x6a, 0x0b]))).toBe('type mismatch: expected i32 but nothing on stack');
  });
  test('a block cannot pop values from outside it', () => {
    expect(problem(singleFunctionModule([I32], [], [0x20, 0, 0x02, 0x40, 0x1a, 0x0b, 0x0b]))).toContain('nothing on stack');
  });
  test('values left over at the end of a block are an error', () => {
    expect(problem(singleFunctionModule([], [], [0x41, 1, 0x0b]))).toContain('values remaining on stack');
  });
  test('the error names the offset of the failing operator', () => {
    const bytes = singleFunctionModule([], [I32], [0x42, 0, 0x0b]);
    const error = compileErrorOf(() => decodeAndValidateModule(bytes));
    expect(bytes[error.offset]).toBe(0x0b);
  });
});

describe('polymorphic stack after unreachable, br and return', () => {
  test('any operands may be popped in unreachable code', () => {
    valid(singleFunctionModule([], [I32], [0x00, 0x6a, 0x0b]));
    valid(singleFunctionModule([], [F64], [0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0f, 0x1a, 0x1a, 0x0b]));
    valid(singleFunctionModule([], [], [0x02, 0x40, 0x0c, 0, 0x6a, 0x1a, 0x0b, 0x0b]));
  });
  test('but values pushed after unreachable are still typed', () => {
    expect(problem(singleFunctionModule([], [I32], [0x00, 0x42, 0, 0x6a, 0x0b]))).toBe('type mismatch: expected i32, found i64');
  });
  test('select on unknown operands takes the known type; numeric only', () => {
    valid(singleFunctionModule([], [I64], [0x00, 0x42, 0, 0x41, 0, 0x1b, 0x0b]));
    expect(problem(singleFunctionModule([], [], [0xd0, 0x70, 0xd0, 0x70, 0x41, 0, 0x1b, 0x1a, 0x0b]))).toContain('numeric or vector');
  });
});

describe('control frames and block types', () => {
  test('multi-value blocks take parameters and return results', () => {
    const extraTypes = [functionType([I32, I32], [I64, I32])];
    valid(singleFunctionModule([], [], [0x41, 1, 0x41, 2, 0x02, 1, 0x6a, 0xac, 0x41, 0, 0x0b, 0x1a, 0x1a, 0x0b], { extraTypes }));
  });
  test('an if without else must have matching parameters and results', () => {
    expect(problem(singleFunctionModule([], [I32], [0x41, 1, 0x04, 0x7f, 0x41, 2, 0x0b, 0x0b]))).toContain('if without else');
    valid(singleFunctionModule([], [I32], [0x41, 1, 0x04, 0x7f, 0x41, 2, 0x05, 0x41, 3, 0x0b, 0x0b]));
  });
  test('a branch to a loop carries its parameters', () => {
    const extraTypes = [functionType([I32], [])];
    valid(singleFunctionModule([], [], [0x41, 0, 0x03, 1, 0x41, 1, 0x0d, 0, 0x1a, 0x0b, 0x0b], { extraTypes }));
    expect(problem(singleFunctionModule([], [], [0x41, 0, 0x03, 1, 0x0d, 0, 0x0b, 0x0b], { extraTypes }))).toContain('nothing on stack');
  });
  test('unknown labels, types and else outside if', () => {
    expect(problem(singleFunctionModule([], [], [0x0c, 1, 0x0b]))).toBe('unknown label 1');
    expect(problem(singleFunctionModule([], [], [0x02, 5, 0x0b, 0x0b]))).toBe('unknown type 5');
    expect(problem(singleFunctionModule([], [], [0x05, 0x0b]))).toBe('else found outside an if block');
  });
  test('br_table targets must agree in arity', () => {
    const code = [0x02, 0x7f, 0x02, 0x40, 0x41, 0, 0x41, 0, 0x0e, 1, 0, 1, 0x0b, 0x41, 0, 0x0b, 0x1a, 0x0b];
    expect(problem(singleFunctionModule([], [], code))).toContain('different arities');
  });
  test('the body must end exactly at its end', () => {
    expect(problem(singleFunctionModule([], [], [0x01]))).toContain('END opcode expected');
    expect(problem(singleFunctionModule([], [], [0x0b, 0x01]))).toBe('operators remaining after end of function');
  });
  test('deep nesting is fine and bounded by the body', () => {
    const depth = 20_000;
    valid(singleFunctionModule([], [], [...new Array(depth).fill([0x02, 0x40]).flat(), ...new Array(depth).fill(0x0b), 0x0b]));
  });
});

describe('instruction-specific rules', () => {
  test('memory instructions need a memory and a natural alignment at most', () => {
    expect(problem(singleFunctionModule([], [I32], [0x41, 0, 0x28, 2, 0, 0x0b]))).toBe('unknown memory 0 in i32.load');
    expect(problem(singleFunctionModule([], [I32], [0x41, 0, 0x28, 3, 0, 0x0b], { memory: true }))).toBe('alignment must not be larger than natural');
  });
  test('globals: set needs a mutable global', () => {
    expect(problem(singleFunctionModule([], [], [0x41, 0, 0x24, 0, 0x0b]))).toBe('unknown global 0');
  });
  test('lane indices are bounded by the lane count', () => {
    expect(problem(singleFunctionModule([V128], [I32], [0x20, 0, 0xfd, 0x1b, 4, 0x0b]))).toBe('invalid lane index 4');
    valid(singleFunctionModule([V128], [I32], [0x20, 0, 0xfd, 0x1b, 3, 0x0b]));
  });
  test('without the SIMD feature, a SIMD operator is rejected as not supported, valid or not', () => {
    const noSimd = { ...ENGINE_FEATURES, simd: false };
    const message = unsupportedOperatorMessage('i8x16.extract_lane_s');
    expect(problem(singleFunctionModule([V128], [I32], [0x20, 0, 0xfd, 0x15, 3, 0x0b]), noSimd)).toBe(message);
    expect(problem(singleFunctionModule([V128], [I32], [0x20, 0, 0xfd, 0x15, 99, 0x0b]), noSimd)).toBe(message);
    // v128 as a type alone is compiled (locals, parameters), so it stays valid.
    decodeAndValidateModule(singleFunctionModule([V128], [], [0x0b]), undefined, noSimd);
  });
  test("the engine's features include SIMD: a valid SIMD operator validates, an invalid one gets the spec's error", () => {
    valid(singleFunctionModule([V128], [I32], [0x20, 0, 0xfd, 0x15, 3, 0x0b]));
    decodeAndValidateModule(singleFunctionModule([V128], [I32], [0x20, 0, 0xfd, 0x15, 3, 0x0b]), undefined, ENGINE_FEATURES);
    expect(problem(singleFunctionModule([V128], [I32], [0x20, 0, 0xfd, 0x15, 99, 0x0b]), ENGINE_FEATURES)).toBe('invalid lane index 99');
  });
  test('data.drop needs the data count section', () => {
    expect(problem(singleFunctionModule([], [], [0xfc, 0x09, 0, 0x0b]))).toBe('data count section required');
  });
  test('ref.func needs a declared function reference', () => {
    expect(problem(singleFunctionModule([], [], [0xd2, 0, 0x1a, 0x0b]))).toBe('undeclared function reference 0');
  });
  test('typed select needs exactly one type', () => {
    expect(problem(singleFunctionModule([], [], [0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 2, I32, I32, 0x1a, 0x0b]))).toContain('invalid result arity');
  });
  test('locals: index and type', () => {
    valid(singleFunctionModule([I32], [F32], [0x20, 1, 0x0b], { locals: [[1, F32]] }));
    expect(problem(singleFunctionModule([], [], [0x20, 0, 0x1a, 0x0b]))).toBe('unknown local 0');
    expect(problem(singleFunctionModule([I32], [], [0x42, 0, 0x21, 0, 0x0b]))).toBe('type mismatch: expected i32, found i64');
  });
  test('i32.const with a multi-byte immediate', () => {
    valid(singleFunctionModule([], [I32], [0x41, ...s32(-1234567), 0x0b]));
  });
});

const KIND_NAMES = ['block', 'loop', 'if', 'else', 'function'];

describe('state visible to a translator after each step', () => {
  test('depths, frame kinds, heights, operand types and unreachability', () => {
    const bytes = singleFunctionModule([I32], [I32], [0x02, 0x7f, 0x20, 0, 0x04, 0x40, 0x20, 0, 0x0f, 0x0b, 0x41, 7, 0x0b, 0x0b]);
    const trace: string[] = [];
    decodeAndValidateModule(bytes, (operator, _offset, v: FunctionValidator) => {
      const top = v.controlDepth > 0 ? `${KIND_NAMES[v.frameKind(0)]}@${v.frameOperandHeight(0)}` : 'done';
      const operand = v.operandHeight > 0 ? `:${v.operandType(0) === ValType.I32 ? 'i32' : v.operandType(0)}` : '';
      trace.push(`${OP_NAME[operator.opcode]} depth=${v.controlDepth} ${top} height=${v.operandHeight}${operand}${v.isUnreachable ? ' unreachable' : ''}`);
    });
    expect(trace).toEqual([
      'block depth=2 block@0 height=0',
      'local.get depth=2 block@0 height=1:i32',
      'if depth=3 if@0 height=0',
      'local.get depth=3 if@0 height=1:i32',
      'return depth=3 if@0 height=0 unreachable',
      'end depth=2 block@0 height=0',
      'i32.const depth=2 block@0 height=1:i32',
      'end depth=1 function@0 height=1:i32',
      'end depth=0 done height=1:i32',
    ]);
  });
  test('label types and popped frames', () => {
    const bytes = singleFunctionModule([], [], [0x03, 0x7e, 0x42, 0, 0x0b, 0x1a, 0x0b]);
    const seen: string[] = [];
    decodeAndValidateModule(bytes, (operator, _offset, v) => {
      if (OP_NAME[operator.opcode] === 'i64.const') seen.push(`loop label carries [${v.labelTypes(0).join(',')}], results [${v.frameResults(0).join(',')}]`);
      if (OP_NAME[operator.opcode] === 'end' && v.controlDepth === 1) seen.push(`popped kind ${v.poppedFrameKind} block type ${v.poppedFrameBlockType}`);
    });
    expect(seen).toEqual([`loop label carries [], results [${I64}]`, `popped kind ${FrameKind.Loop} block type -2`]);
  });
});

describe('validateFunctionBody entry points', () => {
  test('by module and function index, with a visitor that sees every operator', async () => {
    const { decodeModule } = await import('../binary/decode-module.js');
    const { validateFunctionBody } = await import('./function-validator.js');
    const module = decodeModule(singleFunctionModule([I32], [I32], [0x20, 0, 0x41, 1, 0x6a, 0x0b]));
    const names: string[] = [];
    validateFunctionBody(module, 0, (operator) => names.push(OP_NAME[operator.opcode]));
    expect(names).toEqual(['local.get', 'i32.const', 'i32.add', 'end']);
    expect(() => validateFunctionBody(module, 1)).toThrow(RangeError);
  });
});

describe('constant immediates on the fast path', () => {
  // i32.const / i64.const of every length, with the last byte of a full-length immediate
  // valid or not (Core spec §5.2.2: its bits above the value are the sign): the fast path
  // and the general path agree, and both agree with V8.
  const i32Immediates: [number[], boolean][] = [
    [[0x7f], true],
    [[0x80, 0x80, 0x80, 0x80, 0x07], true],
    [[0x80, 0x80, 0x80, 0x80, 0x78], true],
    [[0xff, 0xff, 0xff, 0xff, 0x7f], true],
    [[0x80, 0x80, 0x80, 0x80, 0x08], false],
    [[0x80, 0x80, 0x80, 0x80, 0x70], false],
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], false],
  ];
  const i64Immediates: [number[], boolean][] = [
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], true],
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], true],
    [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], true],
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], false],
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e], false],
    [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], false],
  ];
  test.each([
    ...i32Immediates.map(([immediate, ok]) => ['i32', 0x41, immediate, ok] as const),
    ...i64Immediates.map(([immediate, ok]) => ['i64', 0x42, immediate, ok] as const),
  ])('%s.const %j', (type, opcode, immediate, ok) => {
    const bytes = singleFunctionModule([], [type === 'i32' ? I32 : I64], [opcode, ...immediate, 0x0b]);
    expect(WebAssembly.validate(bytes)).toBe(ok);
    if (ok) valid(bytes);
    else problem(bytes);
  });
});

describe('branches carrying a value and return, on the fast path', () => {
  // block (result i32) ... br 0 / br_if 0 / return, right and wrong: both paths agree (problem
  // compares their messages), and with V8.
  const cases: [string, number[], number[], boolean][] = [
    ['br with the label\'s value', [], [0x02, 0x7f, 0x41, 1, 0x0c, 0, 0x0b, 0x0b], true],
    ['br with a value of another type', [], [0x02, 0x7f, 0x42, 1, 0x0c, 0, 0x0b, 0x0b], false],
    ['br with no value for a label that takes one', [], [0x02, 0x7f, 0x0c, 0, 0x0b, 0x0b], false],
    ['br_if with the label\'s value under the condition', [], [0x02, 0x7f, 0x41, 1, 0x41, 0, 0x0d, 0, 0x0b, 0x0b], true],
    ['br_if with a value of another type', [], [0x02, 0x7f, 0x43, 0, 0, 0, 0, 0x41, 0, 0x0d, 0, 0x1a, 0x41, 0, 0x0b, 0x0b], false],
    ['return with the result', [], [0x41, 7, 0x0f, 0x0b], true],
    ['return with a result of another type', [], [0x42, 7, 0x0f, 0x0b], false],
    ['return from a nested block with the result', [], [0x02, 0x40, 0x41, 7, 0x0f, 0x0b, 0x41, 0, 0x0b], true],
    ['return reaching below its block', [], [0x41, 7, 0x02, 0x40, 0x0f, 0x0b, 0x0b], false],
  ];
  test.each(cases)('%s', (_, params, code, ok) => {
    // Every case's function returns i32 (the outer block's value or a return).
    const bytes = singleFunctionModule(params, [I32], code);
    expect(WebAssembly.validate(bytes)).toBe(ok);
    if (ok) valid(bytes);
    else problem(bytes);
  });
});
