// Stage: all stages. The one opcode table (Core spec §5.4, "Instructions", WebAssembly 2.0:
// MVP, sign-extension, non-trapping float-to-int, multi-value, bulk memory, reference types,
// fixed-width SIMD). Every other part of the engine derives from it: the decoder's opcode
// lookup and immediate reading, the validator's typing, the translator's dispatch and the
// instruction names in errors. Adding an instruction is one row here plus its semantics.
//
// Operator ids are stable numbers computed from (prefix, code): plain opcodes are their byte,
// 0xFC-prefixed ones are 0x100 + code and 0xFD-prefixed ones are 0x200 + code, so `Op.I32Add`
// is 0x6a and `Op.I32x4Add` is 0x2ae. Dense typed arrays indexed by id hold the derived data.

/** Prefix byte of a multi-byte opcode (0 for single-byte opcodes). */
export type OpcodePrefix = 0 | 0xfc | 0xfd;

/** How an instruction's immediates are encoded (Core spec §5.4). */
export type ImmediateKind =
  | 'none'
  | 'blocktype' // block, loop, if: s33 block type
  | 'label' // br, br_if: label index
  | 'br_table' // vector of label indices, then the default label
  | 'func' // call, ref.func: function index
  | 'call_indirect' // type index, then table index
  | 'local'
  | 'global'
  | 'table' // table.get/set/grow/size/fill: table index
  | 'memarg' // alignment exponent and offset; the row's extra is the natural alignment (log2)
  | 'memarg_lane' // memarg, then a lane index; extra is the natural alignment (lanes = 16 >> extra)
  | 'memory' // memory.size/grow/fill: one reserved zero byte (memory index 0)
  | 'memory.copy' // two reserved zero bytes
  | 'memory.init' // data index, then a reserved zero byte
  | 'data' // data.drop: data index
  | 'table.init' // element index, then table index
  | 'elem' // elem.drop: element index
  | 'table.copy' // destination table index, then source table index
  | 'i32'
  | 'i64'
  | 'f32'
  | 'f64'
  | 'v128'
  | 'select_t' // vector of value types (exactly one in 2.0)
  | 'reftype' // ref.null: a reference type
  | 'lane' // one lane index byte; extra is the lane count
  | 'shuffle'; // sixteen lane index bytes, each < 32

/** Proposal that introduced the instruction; all are part of WebAssembly 2.0. */
export type ProposalGroup =
  | 'mvp'
  | 'sign-extension'
  | 'saturating-float-to-int'
  | 'bulk-memory'
  | 'reference-types'
  | 'simd';

/**
 * One instruction: [prefix, code, id, text name, immediate kind, typing, proposal, extra?].
 * Typing is either a fixed signature "operands -> results" (operands listed bottom to top)
 * or a marker "!name" for instructions whose typing the validator handles specially
 * (control, parametric, variable, reference and table access instructions).
 */
export type OpcodeRow = readonly [
  prefix: OpcodePrefix,
  code: number,
  id: string,
  name: string,
  immediate: ImmediateKind,
  typing: string,
  proposal: ProposalGroup,
  extra?: number,
];

export const OPCODE_TABLE = [
  [0, 0x00, 'Unreachable', 'unreachable', 'none', '!unreachable', 'mvp'],
  [0, 0x01, 'Nop', 'nop', 'none', '->', 'mvp'],
  [0, 0x02, 'Block', 'block', 'blocktype', '!block', 'mvp'],
  [0, 0x03, 'Loop', 'loop', 'blocktype', '!loop', 'mvp'],
  [0, 0x04, 'If', 'if', 'blocktype', '!if', 'mvp'],
  [0, 0x05, 'Else', 'else', 'none', '!else', 'mvp'],
  [0, 0x0b, 'End', 'end', 'none', '!end', 'mvp'],
  [0, 0x0c, 'Br', 'br', 'label', '!br', 'mvp'],
  [0, 0x0d, 'BrIf', 'br_if', 'label', '!br_if', 'mvp'],
  [0, 0x0e, 'BrTable', 'br_table', 'br_table', '!br_table', 'mvp'],
  [0, 0x0f, 'Return', 'return', 'none', '!return', 'mvp'],
  [0, 0x10, 'Call', 'call', 'func', '!call', 'mvp'],
  [0, 0x11, 'CallIndirect', 'call_indirect', 'call_indirect', '!call_indirect', 'mvp'],
  [0, 0x1a, 'Drop', 'drop', 'none', '!drop', 'mvp'],
  [0, 0x1b, 'Select', 'select', 'none', '!select', 'mvp'],
  [0, 0x1c, 'SelectTyped', 'select', 'select_t', '!select_t', 'reference-types'],
  [0, 0x20, 'LocalGet', 'local.get', 'local', '!local.get', 'mvp'],
  [0, 0x21, 'LocalSet', 'local.set', 'local', '!local.set', 'mvp'],
  [0, 0x22, 'LocalTee', 'local.tee', 'local', '!local.tee', 'mvp'],
  [0, 0x23, 'GlobalGet', 'global.get', 'global', '!global.get', 'mvp'],
  [0, 0x24, 'GlobalSet', 'global.set', 'global', '!global.set', 'mvp'],
  [0, 0x25, 'TableGet', 'table.get', 'table', '!table.get', 'reference-types'],
  [0, 0x26, 'TableSet', 'table.set', 'table', '!table.set', 'reference-types'],
  [0, 0x28, 'I32Load', 'i32.load', 'memarg', 'i32 -> i32', 'mvp', 2],
  [0, 0x29, 'I64Load', 'i64.load', 'memarg', 'i32 -> i64', 'mvp', 3],
  [0, 0x2a, 'F32Load', 'f32.load', 'memarg', 'i32 -> f32', 'mvp', 2],
  [0, 0x2b, 'F64Load', 'f64.load', 'memarg', 'i32 -> f64', 'mvp', 3],
  [0, 0x2c, 'I32Load8S', 'i32.load8_s', 'memarg', 'i32 -> i32', 'mvp', 0],
  [0, 0x2d, 'I32Load8U', 'i32.load8_u', 'memarg', 'i32 -> i32', 'mvp', 0],
  [0, 0x2e, 'I32Load16S', 'i32.load16_s', 'memarg', 'i32 -> i32', 'mvp', 1],
  [0, 0x2f, 'I32Load16U', 'i32.load16_u', 'memarg', 'i32 -> i32', 'mvp', 1],
  [0, 0x30, 'I64Load8S', 'i64.load8_s', 'memarg', 'i32 -> i64', 'mvp', 0],
  [0, 0x31, 'I64Load8U', 'i64.load8_u', 'memarg', 'i32 -> i64', 'mvp', 0],
  [0, 0x32, 'I64Load16S', 'i64.load16_s', 'memarg', 'i32 -> i64', 'mvp', 1],
  [0, 0x33, 'I64Load16U', 'i64.load16_u', 'memarg', 'i32 -> i64', 'mvp', 1],
  [0, 0x34, 'I64Load32S', 'i64.load32_s', 'memarg', 'i32 -> i64', 'mvp', 2],
  [0, 0x35, 'I64Load32U', 'i64.load32_u', 'memarg', 'i32 -> i64', 'mvp', 2],
  [0, 0x36, 'I32Store', 'i32.store', 'memarg', 'i32 i32 ->', 'mvp', 2],
  [0, 0x37, 'I64Store', 'i64.store', 'memarg', 'i32 i64 ->', 'mvp', 3],
  [0, 0x38, 'F32Store', 'f32.store', 'memarg', 'i32 f32 ->', 'mvp', 2],
  [0, 0x39, 'F64Store', 'f64.store', 'memarg', 'i32 f64 ->', 'mvp', 3],
  [0, 0x3a, 'I32Store8', 'i32.store8', 'memarg', 'i32 i32 ->', 'mvp', 0],
  [0, 0x3b, 'I32Store16', 'i32.store16', 'memarg', 'i32 i32 ->', 'mvp', 1],
  [0, 0x3c, 'I64Store8', 'i64.store8', 'memarg', 'i32 i64 ->', 'mvp', 0],
  [0, 0x3d, 'I64Store16', 'i64.store16', 'memarg', 'i32 i64 ->', 'mvp', 1],
  [0, 0x3e, 'I64Store32', 'i64.store32', 'memarg', 'i32 i64 ->', 'mvp', 2],
  [0, 0x3f, 'MemorySize', 'memory.size', 'memory', '-> i32', 'mvp'],
  [0, 0x40, 'MemoryGrow', 'memory.grow', 'memory', 'i32 -> i32', 'mvp'],
  [0, 0x41, 'I32Const', 'i32.const', 'i32', '-> i32', 'mvp'],
  [0, 0x42, 'I64Const', 'i64.const', 'i64', '-> i64', 'mvp'],
  [0, 0x43, 'F32Const', 'f32.const', 'f32', '-> f32', 'mvp'],
  [0, 0x44, 'F64Const', 'f64.const', 'f64', '-> f64', 'mvp'],
  [0, 0x45, 'I32Eqz', 'i32.eqz', 'none', 'i32 -> i32', 'mvp'],
  [0, 0x46, 'I32Eq', 'i32.eq', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x47, 'I32Ne', 'i32.ne', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x48, 'I32LtS', 'i32.lt_s', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x49, 'I32LtU', 'i32.lt_u', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x4a, 'I32GtS', 'i32.gt_s', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x4b, 'I32GtU', 'i32.gt_u', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x4c, 'I32LeS', 'i32.le_s', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x4d, 'I32LeU', 'i32.le_u', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x4e, 'I32GeS', 'i32.ge_s', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x4f, 'I32GeU', 'i32.ge_u', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x50, 'I64Eqz', 'i64.eqz', 'none', 'i64 -> i32', 'mvp'],
  [0, 0x51, 'I64Eq', 'i64.eq', 'none', 'i64 i64 -> i32', 'mvp'],
  [0, 0x52, 'I64Ne', 'i64.ne', 'none', 'i64 i64 -> i32', 'mvp'],
  [0, 0x53, 'I64LtS', 'i64.lt_s', 'none', 'i64 i64 -> i32', 'mvp'],
  [0, 0x54, 'I64LtU', 'i64.lt_u', 'none', 'i64 i64 -> i32', 'mvp'],
  [0, 0x55, 'I64GtS', 'i64.gt_s', 'none', 'i64 i64 -> i32', 'mvp'],
  [0, 0x56, 'I64GtU', 'i64.gt_u', 'none', 'i64 i64 -> i32', 'mvp'],
  [0, 0x57, 'I64LeS', 'i64.le_s', 'none', 'i64 i64 -> i32', 'mvp'],
  [0, 0x58, 'I64LeU', 'i64.le_u', 'none', 'i64 i64 -> i32', 'mvp'],
  [0, 0x59, 'I64GeS', 'i64.ge_s', 'none', 'i64 i64 -> i32', 'mvp'],
  [0, 0x5a, 'I64GeU', 'i64.ge_u', 'none', 'i64 i64 -> i32', 'mvp'],
  [0, 0x5b, 'F32Eq', 'f32.eq', 'none', 'f32 f32 -> i32', 'mvp'],
  [0, 0x5c, 'F32Ne', 'f32.ne', 'none', 'f32 f32 -> i32', 'mvp'],
  [0, 0x5d, 'F32Lt', 'f32.lt', 'none', 'f32 f32 -> i32', 'mvp'],
  [0, 0x5e, 'F32Gt', 'f32.gt', 'none', 'f32 f32 -> i32', 'mvp'],
  [0, 0x5f, 'F32Le', 'f32.le', 'none', 'f32 f32 -> i32', 'mvp'],
  [0, 0x60, 'F32Ge', 'f32.ge', 'none', 'f32 f32 -> i32', 'mvp'],
  [0, 0x61, 'F64Eq', 'f64.eq', 'none', 'f64 f64 -> i32', 'mvp'],
  [0, 0x62, 'F64Ne', 'f64.ne', 'none', 'f64 f64 -> i32', 'mvp'],
  [0, 0x63, 'F64Lt', 'f64.lt', 'none', 'f64 f64 -> i32', 'mvp'],
  [0, 0x64, 'F64Gt', 'f64.gt', 'none', 'f64 f64 -> i32', 'mvp'],
  [0, 0x65, 'F64Le', 'f64.le', 'none', 'f64 f64 -> i32', 'mvp'],
  [0, 0x66, 'F64Ge', 'f64.ge', 'none', 'f64 f64 -> i32', 'mvp'],
  [0, 0x67, 'I32Clz', 'i32.clz', 'none', 'i32 -> i32', 'mvp'],
  [0, 0x68, 'I32Ctz', 'i32.ctz', 'none', 'i32 -> i32', 'mvp'],
  [0, 0x69, 'I32Popcnt', 'i32.popcnt', 'none', 'i32 -> i32', 'mvp'],
  [0, 0x6a, 'I32Add', 'i32.add', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x6b, 'I32Sub', 'i32.sub', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x6c, 'I32Mul', 'i32.mul', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x6d, 'I32DivS', 'i32.div_s', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x6e, 'I32DivU', 'i32.div_u', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x6f, 'I32RemS', 'i32.rem_s', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x70, 'I32RemU', 'i32.rem_u', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x71, 'I32And', 'i32.and', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x72, 'I32Or', 'i32.or', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x73, 'I32Xor', 'i32.xor', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x74, 'I32Shl', 'i32.shl', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x75, 'I32ShrS', 'i32.shr_s', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x76, 'I32ShrU', 'i32.shr_u', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x77, 'I32Rotl', 'i32.rotl', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x78, 'I32Rotr', 'i32.rotr', 'none', 'i32 i32 -> i32', 'mvp'],
  [0, 0x79, 'I64Clz', 'i64.clz', 'none', 'i64 -> i64', 'mvp'],
  [0, 0x7a, 'I64Ctz', 'i64.ctz', 'none', 'i64 -> i64', 'mvp'],
  [0, 0x7b, 'I64Popcnt', 'i64.popcnt', 'none', 'i64 -> i64', 'mvp'],
  [0, 0x7c, 'I64Add', 'i64.add', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x7d, 'I64Sub', 'i64.sub', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x7e, 'I64Mul', 'i64.mul', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x7f, 'I64DivS', 'i64.div_s', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x80, 'I64DivU', 'i64.div_u', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x81, 'I64RemS', 'i64.rem_s', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x82, 'I64RemU', 'i64.rem_u', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x83, 'I64And', 'i64.and', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x84, 'I64Or', 'i64.or', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x85, 'I64Xor', 'i64.xor', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x86, 'I64Shl', 'i64.shl', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x87, 'I64ShrS', 'i64.shr_s', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x88, 'I64ShrU', 'i64.shr_u', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x89, 'I64Rotl', 'i64.rotl', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x8a, 'I64Rotr', 'i64.rotr', 'none', 'i64 i64 -> i64', 'mvp'],
  [0, 0x8b, 'F32Abs', 'f32.abs', 'none', 'f32 -> f32', 'mvp'],
  [0, 0x8c, 'F32Neg', 'f32.neg', 'none', 'f32 -> f32', 'mvp'],
  [0, 0x8d, 'F32Ceil', 'f32.ceil', 'none', 'f32 -> f32', 'mvp'],
  [0, 0x8e, 'F32Floor', 'f32.floor', 'none', 'f32 -> f32', 'mvp'],
  [0, 0x8f, 'F32Trunc', 'f32.trunc', 'none', 'f32 -> f32', 'mvp'],
  [0, 0x90, 'F32Nearest', 'f32.nearest', 'none', 'f32 -> f32', 'mvp'],
  [0, 0x91, 'F32Sqrt', 'f32.sqrt', 'none', 'f32 -> f32', 'mvp'],
  [0, 0x92, 'F32Add', 'f32.add', 'none', 'f32 f32 -> f32', 'mvp'],
  [0, 0x93, 'F32Sub', 'f32.sub', 'none', 'f32 f32 -> f32', 'mvp'],
  [0, 0x94, 'F32Mul', 'f32.mul', 'none', 'f32 f32 -> f32', 'mvp'],
  [0, 0x95, 'F32Div', 'f32.div', 'none', 'f32 f32 -> f32', 'mvp'],
  [0, 0x96, 'F32Min', 'f32.min', 'none', 'f32 f32 -> f32', 'mvp'],
  [0, 0x97, 'F32Max', 'f32.max', 'none', 'f32 f32 -> f32', 'mvp'],
  [0, 0x98, 'F32Copysign', 'f32.copysign', 'none', 'f32 f32 -> f32', 'mvp'],
  [0, 0x99, 'F64Abs', 'f64.abs', 'none', 'f64 -> f64', 'mvp'],
  [0, 0x9a, 'F64Neg', 'f64.neg', 'none', 'f64 -> f64', 'mvp'],
  [0, 0x9b, 'F64Ceil', 'f64.ceil', 'none', 'f64 -> f64', 'mvp'],
  [0, 0x9c, 'F64Floor', 'f64.floor', 'none', 'f64 -> f64', 'mvp'],
  [0, 0x9d, 'F64Trunc', 'f64.trunc', 'none', 'f64 -> f64', 'mvp'],
  [0, 0x9e, 'F64Nearest', 'f64.nearest', 'none', 'f64 -> f64', 'mvp'],
  [0, 0x9f, 'F64Sqrt', 'f64.sqrt', 'none', 'f64 -> f64', 'mvp'],
  [0, 0xa0, 'F64Add', 'f64.add', 'none', 'f64 f64 -> f64', 'mvp'],
  [0, 0xa1, 'F64Sub', 'f64.sub', 'none', 'f64 f64 -> f64', 'mvp'],
  [0, 0xa2, 'F64Mul', 'f64.mul', 'none', 'f64 f64 -> f64', 'mvp'],
  [0, 0xa3, 'F64Div', 'f64.div', 'none', 'f64 f64 -> f64', 'mvp'],
  [0, 0xa4, 'F64Min', 'f64.min', 'none', 'f64 f64 -> f64', 'mvp'],
  [0, 0xa5, 'F64Max', 'f64.max', 'none', 'f64 f64 -> f64', 'mvp'],
  [0, 0xa6, 'F64Copysign', 'f64.copysign', 'none', 'f64 f64 -> f64', 'mvp'],
  [0, 0xa7, 'I32WrapI64', 'i32.wrap_i64', 'none', 'i64 -> i32', 'mvp'],
  [0, 0xa8, 'I32TruncF32S', 'i32.trunc_f32_s', 'none', 'f32 -> i32', 'mvp'],
  [0, 0xa9, 'I32TruncF32U', 'i32.trunc_f32_u', 'none', 'f32 -> i32', 'mvp'],
  [0, 0xaa, 'I32TruncF64S', 'i32.trunc_f64_s', 'none', 'f64 -> i32', 'mvp'],
  [0, 0xab, 'I32TruncF64U', 'i32.trunc_f64_u', 'none', 'f64 -> i32', 'mvp'],
  [0, 0xac, 'I64ExtendI32S', 'i64.extend_i32_s', 'none', 'i32 -> i64', 'mvp'],
  [0, 0xad, 'I64ExtendI32U', 'i64.extend_i32_u', 'none', 'i32 -> i64', 'mvp'],
  [0, 0xae, 'I64TruncF32S', 'i64.trunc_f32_s', 'none', 'f32 -> i64', 'mvp'],
  [0, 0xaf, 'I64TruncF32U', 'i64.trunc_f32_u', 'none', 'f32 -> i64', 'mvp'],
  [0, 0xb0, 'I64TruncF64S', 'i64.trunc_f64_s', 'none', 'f64 -> i64', 'mvp'],
  [0, 0xb1, 'I64TruncF64U', 'i64.trunc_f64_u', 'none', 'f64 -> i64', 'mvp'],
  [0, 0xb2, 'F32ConvertI32S', 'f32.convert_i32_s', 'none', 'i32 -> f32', 'mvp'],
  [0, 0xb3, 'F32ConvertI32U', 'f32.convert_i32_u', 'none', 'i32 -> f32', 'mvp'],
  [0, 0xb4, 'F32ConvertI64S', 'f32.convert_i64_s', 'none', 'i64 -> f32', 'mvp'],
  [0, 0xb5, 'F32ConvertI64U', 'f32.convert_i64_u', 'none', 'i64 -> f32', 'mvp'],
  [0, 0xb6, 'F32DemoteF64', 'f32.demote_f64', 'none', 'f64 -> f32', 'mvp'],
  [0, 0xb7, 'F64ConvertI32S', 'f64.convert_i32_s', 'none', 'i32 -> f64', 'mvp'],
  [0, 0xb8, 'F64ConvertI32U', 'f64.convert_i32_u', 'none', 'i32 -> f64', 'mvp'],
  [0, 0xb9, 'F64ConvertI64S', 'f64.convert_i64_s', 'none', 'i64 -> f64', 'mvp'],
  [0, 0xba, 'F64ConvertI64U', 'f64.convert_i64_u', 'none', 'i64 -> f64', 'mvp'],
  [0, 0xbb, 'F64PromoteF32', 'f64.promote_f32', 'none', 'f32 -> f64', 'mvp'],
  [0, 0xbc, 'I32ReinterpretF32', 'i32.reinterpret_f32', 'none', 'f32 -> i32', 'mvp'],
  [0, 0xbd, 'I64ReinterpretF64', 'i64.reinterpret_f64', 'none', 'f64 -> i64', 'mvp'],
  [0, 0xbe, 'F32ReinterpretI32', 'f32.reinterpret_i32', 'none', 'i32 -> f32', 'mvp'],
  [0, 0xbf, 'F64ReinterpretI64', 'f64.reinterpret_i64', 'none', 'i64 -> f64', 'mvp'],
  [0, 0xc0, 'I32Extend8S', 'i32.extend8_s', 'none', 'i32 -> i32', 'sign-extension'],
  [0, 0xc1, 'I32Extend16S', 'i32.extend16_s', 'none', 'i32 -> i32', 'sign-extension'],
  [0, 0xc2, 'I64Extend8S', 'i64.extend8_s', 'none', 'i64 -> i64', 'sign-extension'],
  [0, 0xc3, 'I64Extend16S', 'i64.extend16_s', 'none', 'i64 -> i64', 'sign-extension'],
  [0, 0xc4, 'I64Extend32S', 'i64.extend32_s', 'none', 'i64 -> i64', 'sign-extension'],
  [0, 0xd0, 'RefNull', 'ref.null', 'reftype', '!ref.null', 'reference-types'],
  [0, 0xd1, 'RefIsNull', 'ref.is_null', 'none', '!ref.is_null', 'reference-types'],
  [0, 0xd2, 'RefFunc', 'ref.func', 'func', '-> funcref', 'reference-types'],
  [0xfc, 0x00, 'I32TruncSatF32S', 'i32.trunc_sat_f32_s', 'none', 'f32 -> i32', 'saturating-float-to-int'],
  [0xfc, 0x01, 'I32TruncSatF32U', 'i32.trunc_sat_f32_u', 'none', 'f32 -> i32', 'saturating-float-to-int'],
  [0xfc, 0x02, 'I32TruncSatF64S', 'i32.trunc_sat_f64_s', 'none', 'f64 -> i32', 'saturating-float-to-int'],
  [0xfc, 0x03, 'I32TruncSatF64U', 'i32.trunc_sat_f64_u', 'none', 'f64 -> i32', 'saturating-float-to-int'],
  [0xfc, 0x04, 'I64TruncSatF32S', 'i64.trunc_sat_f32_s', 'none', 'f32 -> i64', 'saturating-float-to-int'],
  [0xfc, 0x05, 'I64TruncSatF32U', 'i64.trunc_sat_f32_u', 'none', 'f32 -> i64', 'saturating-float-to-int'],
  [0xfc, 0x06, 'I64TruncSatF64S', 'i64.trunc_sat_f64_s', 'none', 'f64 -> i64', 'saturating-float-to-int'],
  [0xfc, 0x07, 'I64TruncSatF64U', 'i64.trunc_sat_f64_u', 'none', 'f64 -> i64', 'saturating-float-to-int'],
  [0xfc, 0x08, 'MemoryInit', 'memory.init', 'memory.init', 'i32 i32 i32 ->', 'bulk-memory'],
  [0xfc, 0x09, 'DataDrop', 'data.drop', 'data', '->', 'bulk-memory'],
  [0xfc, 0x0a, 'MemoryCopy', 'memory.copy', 'memory.copy', 'i32 i32 i32 ->', 'bulk-memory'],
  [0xfc, 0x0b, 'MemoryFill', 'memory.fill', 'memory', 'i32 i32 i32 ->', 'bulk-memory'],
  [0xfc, 0x0c, 'TableInit', 'table.init', 'table.init', 'i32 i32 i32 ->', 'bulk-memory'],
  [0xfc, 0x0d, 'ElemDrop', 'elem.drop', 'elem', '->', 'bulk-memory'],
  [0xfc, 0x0e, 'TableCopy', 'table.copy', 'table.copy', 'i32 i32 i32 ->', 'bulk-memory'],
  [0xfc, 0x0f, 'TableGrow', 'table.grow', 'table', '!table.grow', 'reference-types'],
  [0xfc, 0x10, 'TableSize', 'table.size', 'table', '-> i32', 'reference-types'],
  [0xfc, 0x11, 'TableFill', 'table.fill', 'table', '!table.fill', 'reference-types'],
  [0xfd, 0x00, 'V128Load', 'v128.load', 'memarg', 'i32 -> v128', 'simd', 4],
  [0xfd, 0x01, 'V128Load8x8S', 'v128.load8x8_s', 'memarg', 'i32 -> v128', 'simd', 3],
  [0xfd, 0x02, 'V128Load8x8U', 'v128.load8x8_u', 'memarg', 'i32 -> v128', 'simd', 3],
  [0xfd, 0x03, 'V128Load16x4S', 'v128.load16x4_s', 'memarg', 'i32 -> v128', 'simd', 3],
  [0xfd, 0x04, 'V128Load16x4U', 'v128.load16x4_u', 'memarg', 'i32 -> v128', 'simd', 3],
  [0xfd, 0x05, 'V128Load32x2S', 'v128.load32x2_s', 'memarg', 'i32 -> v128', 'simd', 3],
  [0xfd, 0x06, 'V128Load32x2U', 'v128.load32x2_u', 'memarg', 'i32 -> v128', 'simd', 3],
  [0xfd, 0x07, 'V128Load8Splat', 'v128.load8_splat', 'memarg', 'i32 -> v128', 'simd', 0],
  [0xfd, 0x08, 'V128Load16Splat', 'v128.load16_splat', 'memarg', 'i32 -> v128', 'simd', 1],
  [0xfd, 0x09, 'V128Load32Splat', 'v128.load32_splat', 'memarg', 'i32 -> v128', 'simd', 2],
  [0xfd, 0x0a, 'V128Load64Splat', 'v128.load64_splat', 'memarg', 'i32 -> v128', 'simd', 3],
  [0xfd, 0x0b, 'V128Store', 'v128.store', 'memarg', 'i32 v128 ->', 'simd', 4],
  [0xfd, 0x0c, 'V128Const', 'v128.const', 'v128', '-> v128', 'simd'],
  [0xfd, 0x0d, 'I8x16Shuffle', 'i8x16.shuffle', 'shuffle', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x0e, 'I8x16Swizzle', 'i8x16.swizzle', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x0f, 'I8x16Splat', 'i8x16.splat', 'none', 'i32 -> v128', 'simd'],
  [0xfd, 0x10, 'I16x8Splat', 'i16x8.splat', 'none', 'i32 -> v128', 'simd'],
  [0xfd, 0x11, 'I32x4Splat', 'i32x4.splat', 'none', 'i32 -> v128', 'simd'],
  [0xfd, 0x12, 'I64x2Splat', 'i64x2.splat', 'none', 'i64 -> v128', 'simd'],
  [0xfd, 0x13, 'F32x4Splat', 'f32x4.splat', 'none', 'f32 -> v128', 'simd'],
  [0xfd, 0x14, 'F64x2Splat', 'f64x2.splat', 'none', 'f64 -> v128', 'simd'],
  [0xfd, 0x15, 'I8x16ExtractLaneS', 'i8x16.extract_lane_s', 'lane', 'v128 -> i32', 'simd', 16],
  [0xfd, 0x16, 'I8x16ExtractLaneU', 'i8x16.extract_lane_u', 'lane', 'v128 -> i32', 'simd', 16],
  [0xfd, 0x17, 'I8x16ReplaceLane', 'i8x16.replace_lane', 'lane', 'v128 i32 -> v128', 'simd', 16],
  [0xfd, 0x18, 'I16x8ExtractLaneS', 'i16x8.extract_lane_s', 'lane', 'v128 -> i32', 'simd', 8],
  [0xfd, 0x19, 'I16x8ExtractLaneU', 'i16x8.extract_lane_u', 'lane', 'v128 -> i32', 'simd', 8],
  [0xfd, 0x1a, 'I16x8ReplaceLane', 'i16x8.replace_lane', 'lane', 'v128 i32 -> v128', 'simd', 8],
  [0xfd, 0x1b, 'I32x4ExtractLane', 'i32x4.extract_lane', 'lane', 'v128 -> i32', 'simd', 4],
  [0xfd, 0x1c, 'I32x4ReplaceLane', 'i32x4.replace_lane', 'lane', 'v128 i32 -> v128', 'simd', 4],
  [0xfd, 0x1d, 'I64x2ExtractLane', 'i64x2.extract_lane', 'lane', 'v128 -> i64', 'simd', 2],
  [0xfd, 0x1e, 'I64x2ReplaceLane', 'i64x2.replace_lane', 'lane', 'v128 i64 -> v128', 'simd', 2],
  [0xfd, 0x1f, 'F32x4ExtractLane', 'f32x4.extract_lane', 'lane', 'v128 -> f32', 'simd', 4],
  [0xfd, 0x20, 'F32x4ReplaceLane', 'f32x4.replace_lane', 'lane', 'v128 f32 -> v128', 'simd', 4],
  [0xfd, 0x21, 'F64x2ExtractLane', 'f64x2.extract_lane', 'lane', 'v128 -> f64', 'simd', 2],
  [0xfd, 0x22, 'F64x2ReplaceLane', 'f64x2.replace_lane', 'lane', 'v128 f64 -> v128', 'simd', 2],
  [0xfd, 0x23, 'I8x16Eq', 'i8x16.eq', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x24, 'I8x16Ne', 'i8x16.ne', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x25, 'I8x16LtS', 'i8x16.lt_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x26, 'I8x16LtU', 'i8x16.lt_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x27, 'I8x16GtS', 'i8x16.gt_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x28, 'I8x16GtU', 'i8x16.gt_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x29, 'I8x16LeS', 'i8x16.le_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x2a, 'I8x16LeU', 'i8x16.le_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x2b, 'I8x16GeS', 'i8x16.ge_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x2c, 'I8x16GeU', 'i8x16.ge_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x2d, 'I16x8Eq', 'i16x8.eq', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x2e, 'I16x8Ne', 'i16x8.ne', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x2f, 'I16x8LtS', 'i16x8.lt_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x30, 'I16x8LtU', 'i16x8.lt_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x31, 'I16x8GtS', 'i16x8.gt_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x32, 'I16x8GtU', 'i16x8.gt_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x33, 'I16x8LeS', 'i16x8.le_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x34, 'I16x8LeU', 'i16x8.le_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x35, 'I16x8GeS', 'i16x8.ge_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x36, 'I16x8GeU', 'i16x8.ge_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x37, 'I32x4Eq', 'i32x4.eq', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x38, 'I32x4Ne', 'i32x4.ne', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x39, 'I32x4LtS', 'i32x4.lt_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x3a, 'I32x4LtU', 'i32x4.lt_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x3b, 'I32x4GtS', 'i32x4.gt_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x3c, 'I32x4GtU', 'i32x4.gt_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x3d, 'I32x4LeS', 'i32x4.le_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x3e, 'I32x4LeU', 'i32x4.le_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x3f, 'I32x4GeS', 'i32x4.ge_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x40, 'I32x4GeU', 'i32x4.ge_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x41, 'F32x4Eq', 'f32x4.eq', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x42, 'F32x4Ne', 'f32x4.ne', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x43, 'F32x4Lt', 'f32x4.lt', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x44, 'F32x4Gt', 'f32x4.gt', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x45, 'F32x4Le', 'f32x4.le', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x46, 'F32x4Ge', 'f32x4.ge', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x47, 'F64x2Eq', 'f64x2.eq', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x48, 'F64x2Ne', 'f64x2.ne', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x49, 'F64x2Lt', 'f64x2.lt', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x4a, 'F64x2Gt', 'f64x2.gt', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x4b, 'F64x2Le', 'f64x2.le', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x4c, 'F64x2Ge', 'f64x2.ge', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x4d, 'V128Not', 'v128.not', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x4e, 'V128And', 'v128.and', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x4f, 'V128Andnot', 'v128.andnot', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x50, 'V128Or', 'v128.or', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x51, 'V128Xor', 'v128.xor', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x52, 'V128Bitselect', 'v128.bitselect', 'none', 'v128 v128 v128 -> v128', 'simd'],
  [0xfd, 0x53, 'V128AnyTrue', 'v128.any_true', 'none', 'v128 -> i32', 'simd'],
  [0xfd, 0x54, 'V128Load8Lane', 'v128.load8_lane', 'memarg_lane', 'i32 v128 -> v128', 'simd', 0],
  [0xfd, 0x55, 'V128Load16Lane', 'v128.load16_lane', 'memarg_lane', 'i32 v128 -> v128', 'simd', 1],
  [0xfd, 0x56, 'V128Load32Lane', 'v128.load32_lane', 'memarg_lane', 'i32 v128 -> v128', 'simd', 2],
  [0xfd, 0x57, 'V128Load64Lane', 'v128.load64_lane', 'memarg_lane', 'i32 v128 -> v128', 'simd', 3],
  [0xfd, 0x58, 'V128Store8Lane', 'v128.store8_lane', 'memarg_lane', 'i32 v128 ->', 'simd', 0],
  [0xfd, 0x59, 'V128Store16Lane', 'v128.store16_lane', 'memarg_lane', 'i32 v128 ->', 'simd', 1],
  [0xfd, 0x5a, 'V128Store32Lane', 'v128.store32_lane', 'memarg_lane', 'i32 v128 ->', 'simd', 2],
  [0xfd, 0x5b, 'V128Store64Lane', 'v128.store64_lane', 'memarg_lane', 'i32 v128 ->', 'simd', 3],
  [0xfd, 0x5c, 'V128Load32Zero', 'v128.load32_zero', 'memarg', 'i32 -> v128', 'simd', 2],
  [0xfd, 0x5d, 'V128Load64Zero', 'v128.load64_zero', 'memarg', 'i32 -> v128', 'simd', 3],
  [0xfd, 0x5e, 'F32x4DemoteF64x2Zero', 'f32x4.demote_f64x2_zero', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x5f, 'F64x2PromoteLowF32x4', 'f64x2.promote_low_f32x4', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x60, 'I8x16Abs', 'i8x16.abs', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x61, 'I8x16Neg', 'i8x16.neg', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x62, 'I8x16Popcnt', 'i8x16.popcnt', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x63, 'I8x16AllTrue', 'i8x16.all_true', 'none', 'v128 -> i32', 'simd'],
  [0xfd, 0x64, 'I8x16Bitmask', 'i8x16.bitmask', 'none', 'v128 -> i32', 'simd'],
  [0xfd, 0x65, 'I8x16NarrowI16x8S', 'i8x16.narrow_i16x8_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x66, 'I8x16NarrowI16x8U', 'i8x16.narrow_i16x8_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x67, 'F32x4Ceil', 'f32x4.ceil', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x68, 'F32x4Floor', 'f32x4.floor', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x69, 'F32x4Trunc', 'f32x4.trunc', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x6a, 'F32x4Nearest', 'f32x4.nearest', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x6b, 'I8x16Shl', 'i8x16.shl', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0x6c, 'I8x16ShrS', 'i8x16.shr_s', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0x6d, 'I8x16ShrU', 'i8x16.shr_u', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0x6e, 'I8x16Add', 'i8x16.add', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x6f, 'I8x16AddSatS', 'i8x16.add_sat_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x70, 'I8x16AddSatU', 'i8x16.add_sat_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x71, 'I8x16Sub', 'i8x16.sub', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x72, 'I8x16SubSatS', 'i8x16.sub_sat_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x73, 'I8x16SubSatU', 'i8x16.sub_sat_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x74, 'F64x2Ceil', 'f64x2.ceil', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x75, 'F64x2Floor', 'f64x2.floor', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x76, 'I8x16MinS', 'i8x16.min_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x77, 'I8x16MinU', 'i8x16.min_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x78, 'I8x16MaxS', 'i8x16.max_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x79, 'I8x16MaxU', 'i8x16.max_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x7a, 'F64x2Trunc', 'f64x2.trunc', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x7b, 'I8x16AvgrU', 'i8x16.avgr_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x7c, 'I16x8ExtaddPairwiseI8x16S', 'i16x8.extadd_pairwise_i8x16_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x7d, 'I16x8ExtaddPairwiseI8x16U', 'i16x8.extadd_pairwise_i8x16_u', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x7e, 'I32x4ExtaddPairwiseI16x8S', 'i32x4.extadd_pairwise_i16x8_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x7f, 'I32x4ExtaddPairwiseI16x8U', 'i32x4.extadd_pairwise_i16x8_u', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x80, 'I16x8Abs', 'i16x8.abs', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x81, 'I16x8Neg', 'i16x8.neg', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x82, 'I16x8Q15mulrSatS', 'i16x8.q15mulr_sat_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x83, 'I16x8AllTrue', 'i16x8.all_true', 'none', 'v128 -> i32', 'simd'],
  [0xfd, 0x84, 'I16x8Bitmask', 'i16x8.bitmask', 'none', 'v128 -> i32', 'simd'],
  [0xfd, 0x85, 'I16x8NarrowI32x4S', 'i16x8.narrow_i32x4_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x86, 'I16x8NarrowI32x4U', 'i16x8.narrow_i32x4_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x87, 'I16x8ExtendLowI8x16S', 'i16x8.extend_low_i8x16_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x88, 'I16x8ExtendHighI8x16S', 'i16x8.extend_high_i8x16_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x89, 'I16x8ExtendLowI8x16U', 'i16x8.extend_low_i8x16_u', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x8a, 'I16x8ExtendHighI8x16U', 'i16x8.extend_high_i8x16_u', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x8b, 'I16x8Shl', 'i16x8.shl', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0x8c, 'I16x8ShrS', 'i16x8.shr_s', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0x8d, 'I16x8ShrU', 'i16x8.shr_u', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0x8e, 'I16x8Add', 'i16x8.add', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x8f, 'I16x8AddSatS', 'i16x8.add_sat_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x90, 'I16x8AddSatU', 'i16x8.add_sat_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x91, 'I16x8Sub', 'i16x8.sub', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x92, 'I16x8SubSatS', 'i16x8.sub_sat_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x93, 'I16x8SubSatU', 'i16x8.sub_sat_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x94, 'F64x2Nearest', 'f64x2.nearest', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0x95, 'I16x8Mul', 'i16x8.mul', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x96, 'I16x8MinS', 'i16x8.min_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x97, 'I16x8MinU', 'i16x8.min_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x98, 'I16x8MaxS', 'i16x8.max_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x99, 'I16x8MaxU', 'i16x8.max_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x9b, 'I16x8AvgrU', 'i16x8.avgr_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x9c, 'I16x8ExtmulLowI8x16S', 'i16x8.extmul_low_i8x16_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x9d, 'I16x8ExtmulHighI8x16S', 'i16x8.extmul_high_i8x16_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x9e, 'I16x8ExtmulLowI8x16U', 'i16x8.extmul_low_i8x16_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0x9f, 'I16x8ExtmulHighI8x16U', 'i16x8.extmul_high_i8x16_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xa0, 'I32x4Abs', 'i32x4.abs', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xa1, 'I32x4Neg', 'i32x4.neg', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xa3, 'I32x4AllTrue', 'i32x4.all_true', 'none', 'v128 -> i32', 'simd'],
  [0xfd, 0xa4, 'I32x4Bitmask', 'i32x4.bitmask', 'none', 'v128 -> i32', 'simd'],
  [0xfd, 0xa7, 'I32x4ExtendLowI16x8S', 'i32x4.extend_low_i16x8_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xa8, 'I32x4ExtendHighI16x8S', 'i32x4.extend_high_i16x8_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xa9, 'I32x4ExtendLowI16x8U', 'i32x4.extend_low_i16x8_u', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xaa, 'I32x4ExtendHighI16x8U', 'i32x4.extend_high_i16x8_u', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xab, 'I32x4Shl', 'i32x4.shl', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0xac, 'I32x4ShrS', 'i32x4.shr_s', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0xad, 'I32x4ShrU', 'i32x4.shr_u', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0xae, 'I32x4Add', 'i32x4.add', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xb1, 'I32x4Sub', 'i32x4.sub', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xb5, 'I32x4Mul', 'i32x4.mul', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xb6, 'I32x4MinS', 'i32x4.min_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xb7, 'I32x4MinU', 'i32x4.min_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xb8, 'I32x4MaxS', 'i32x4.max_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xb9, 'I32x4MaxU', 'i32x4.max_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xba, 'I32x4DotI16x8S', 'i32x4.dot_i16x8_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xbc, 'I32x4ExtmulLowI16x8S', 'i32x4.extmul_low_i16x8_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xbd, 'I32x4ExtmulHighI16x8S', 'i32x4.extmul_high_i16x8_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xbe, 'I32x4ExtmulLowI16x8U', 'i32x4.extmul_low_i16x8_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xbf, 'I32x4ExtmulHighI16x8U', 'i32x4.extmul_high_i16x8_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xc0, 'I64x2Abs', 'i64x2.abs', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xc1, 'I64x2Neg', 'i64x2.neg', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xc3, 'I64x2AllTrue', 'i64x2.all_true', 'none', 'v128 -> i32', 'simd'],
  [0xfd, 0xc4, 'I64x2Bitmask', 'i64x2.bitmask', 'none', 'v128 -> i32', 'simd'],
  [0xfd, 0xc7, 'I64x2ExtendLowI32x4S', 'i64x2.extend_low_i32x4_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xc8, 'I64x2ExtendHighI32x4S', 'i64x2.extend_high_i32x4_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xc9, 'I64x2ExtendLowI32x4U', 'i64x2.extend_low_i32x4_u', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xca, 'I64x2ExtendHighI32x4U', 'i64x2.extend_high_i32x4_u', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xcb, 'I64x2Shl', 'i64x2.shl', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0xcc, 'I64x2ShrS', 'i64x2.shr_s', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0xcd, 'I64x2ShrU', 'i64x2.shr_u', 'none', 'v128 i32 -> v128', 'simd'],
  [0xfd, 0xce, 'I64x2Add', 'i64x2.add', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xd1, 'I64x2Sub', 'i64x2.sub', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xd5, 'I64x2Mul', 'i64x2.mul', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xd6, 'I64x2Eq', 'i64x2.eq', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xd7, 'I64x2Ne', 'i64x2.ne', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xd8, 'I64x2LtS', 'i64x2.lt_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xd9, 'I64x2GtS', 'i64x2.gt_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xda, 'I64x2LeS', 'i64x2.le_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xdb, 'I64x2GeS', 'i64x2.ge_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xdc, 'I64x2ExtmulLowI32x4S', 'i64x2.extmul_low_i32x4_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xdd, 'I64x2ExtmulHighI32x4S', 'i64x2.extmul_high_i32x4_s', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xde, 'I64x2ExtmulLowI32x4U', 'i64x2.extmul_low_i32x4_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xdf, 'I64x2ExtmulHighI32x4U', 'i64x2.extmul_high_i32x4_u', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xe0, 'F32x4Abs', 'f32x4.abs', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xe1, 'F32x4Neg', 'f32x4.neg', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xe3, 'F32x4Sqrt', 'f32x4.sqrt', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xe4, 'F32x4Add', 'f32x4.add', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xe5, 'F32x4Sub', 'f32x4.sub', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xe6, 'F32x4Mul', 'f32x4.mul', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xe7, 'F32x4Div', 'f32x4.div', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xe8, 'F32x4Min', 'f32x4.min', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xe9, 'F32x4Max', 'f32x4.max', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xea, 'F32x4Pmin', 'f32x4.pmin', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xeb, 'F32x4Pmax', 'f32x4.pmax', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xec, 'F64x2Abs', 'f64x2.abs', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xed, 'F64x2Neg', 'f64x2.neg', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xef, 'F64x2Sqrt', 'f64x2.sqrt', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xf0, 'F64x2Add', 'f64x2.add', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xf1, 'F64x2Sub', 'f64x2.sub', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xf2, 'F64x2Mul', 'f64x2.mul', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xf3, 'F64x2Div', 'f64x2.div', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xf4, 'F64x2Min', 'f64x2.min', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xf5, 'F64x2Max', 'f64x2.max', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xf6, 'F64x2Pmin', 'f64x2.pmin', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xf7, 'F64x2Pmax', 'f64x2.pmax', 'none', 'v128 v128 -> v128', 'simd'],
  [0xfd, 0xf8, 'I32x4TruncSatF32x4S', 'i32x4.trunc_sat_f32x4_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xf9, 'I32x4TruncSatF32x4U', 'i32x4.trunc_sat_f32x4_u', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xfa, 'F32x4ConvertI32x4S', 'f32x4.convert_i32x4_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xfb, 'F32x4ConvertI32x4U', 'f32x4.convert_i32x4_u', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xfc, 'I32x4TruncSatF64x2SZero', 'i32x4.trunc_sat_f64x2_s_zero', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xfd, 'I32x4TruncSatF64x2UZero', 'i32x4.trunc_sat_f64x2_u_zero', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xfe, 'F64x2ConvertLowI32x4S', 'f64x2.convert_low_i32x4_s', 'none', 'v128 -> v128', 'simd'],
  [0xfd, 0xff, 'F64x2ConvertLowI32x4U', 'f64x2.convert_low_i32x4_u', 'none', 'v128 -> v128', 'simd'],
] as const satisfies readonly OpcodeRow[];

/** The identifier of each row, e.g. 'I32Add'. */
export type OpId = (typeof OPCODE_TABLE)[number][2];

/** Numeric immediate kinds for fast dispatch in the operator reader. */
export const enum Immediate {
  None,
  // Kinds that are exactly one u32 index come first, so `kind <= LastSingleIndex` tests them.
  Label, Func, Local, Global, Table, Data, Elem,
  BlockType, BrTable, CallIndirect, MemArg, MemArgLane, Memory, MemoryCopy, MemoryInit,
  TableInit, TableCopy, I32, I64, F32, F64, V128, SelectTyped, RefType, Lane, Shuffle,
  LastSingleIndex = Elem,
}

const IMMEDIATE_BY_NAME: Record<ImmediateKind, Immediate> = {
  none: Immediate.None, blocktype: Immediate.BlockType, label: Immediate.Label,
  br_table: Immediate.BrTable, func: Immediate.Func, call_indirect: Immediate.CallIndirect,
  local: Immediate.Local, global: Immediate.Global, table: Immediate.Table,
  memarg: Immediate.MemArg, memarg_lane: Immediate.MemArgLane, memory: Immediate.Memory,
  'memory.copy': Immediate.MemoryCopy, 'memory.init': Immediate.MemoryInit, data: Immediate.Data,
  'table.init': Immediate.TableInit, elem: Immediate.Elem, 'table.copy': Immediate.TableCopy,
  i32: Immediate.I32, i64: Immediate.I64, f32: Immediate.F32, f64: Immediate.F64,
  v128: Immediate.V128, select_t: Immediate.SelectTyped, reftype: Immediate.RefType,
  lane: Immediate.Lane, shuffle: Immediate.Shuffle,
};

/** Instructions whose typing is not a fixed signature; the validator handles each. */
export const enum Typing {
  Fixed, Unreachable, Block, Loop, If, Else, End, Br, BrIf, BrTable, Return, Call, CallIndirect,
  Drop, Select, SelectTyped, LocalGet, LocalSet, LocalTee, GlobalGet, GlobalSet, TableGet,
  TableSet, TableGrow, TableFill, RefNull, RefIsNull,
}

const TYPING_BY_MARKER: Record<string, Typing> = {
  '!unreachable': Typing.Unreachable, '!block': Typing.Block, '!loop': Typing.Loop, '!if': Typing.If,
  '!else': Typing.Else, '!end': Typing.End, '!br': Typing.Br, '!br_if': Typing.BrIf,
  '!br_table': Typing.BrTable, '!return': Typing.Return, '!call': Typing.Call,
  '!call_indirect': Typing.CallIndirect, '!drop': Typing.Drop, '!select': Typing.Select,
  '!select_t': Typing.SelectTyped, '!local.get': Typing.LocalGet, '!local.set': Typing.LocalSet,
  '!local.tee': Typing.LocalTee, '!global.get': Typing.GlobalGet, '!global.set': Typing.GlobalSet,
  '!table.get': Typing.TableGet, '!table.set': Typing.TableSet, '!table.grow': Typing.TableGrow,
  '!table.fill': Typing.TableFill, '!ref.null': Typing.RefNull, '!ref.is_null': Typing.RefIsNull,
};

const VALUE_TYPE_BY_NAME: Record<string, number> = {
  i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f,
};

/** Number of operator ids: 0x000-0x0ff plain, 0x100-0x1ff 0xFC-prefixed, 0x200-0x2ff 0xFD. */
export const OPERATOR_ID_LIMIT = 0x300;

/** The operator id of (prefix, code). */
export function operatorId(prefix: OpcodePrefix, code: number): number {
  return prefix === 0 ? code : prefix === 0xfc ? 0x100 + code : 0x200 + code;
}

/** Whether an operator id names an instruction (1) or not (0). */
export const OP_DEFINED = new Uint8Array(OPERATOR_ID_LIMIT);
/** Immediate kind of each operator id; UNDEFINED_OPERATOR for ids that name no instruction. */
export const OP_IMMEDIATE = new Uint8Array(OPERATOR_ID_LIMIT).fill(255);
export const UNDEFINED_OPERATOR = 255;
/** Typing class of each operator id (Typing.Fixed uses the signature arrays below). */
export const OP_TYPING = new Uint8Array(OPERATOR_ID_LIMIT);
/** For fixed signatures: operand count (at most 3) and operand types, last operand first. */
export const OP_POP_COUNT = new Uint8Array(OPERATOR_ID_LIMIT);
export const OP_POP_TYPES = new Uint8Array(OPERATOR_ID_LIMIT * 3);
/** For fixed signatures: the result type, or 0 when there is none. */
export const OP_RESULT = new Uint8Array(OPERATOR_ID_LIMIT);
/** The row's extra number: natural alignment (log2 bytes) of memory accesses, lane count of lane ops. */
export const OP_EXTRA = new Uint8Array(OPERATOR_ID_LIMIT);
/**
 * The validator's packed view of each operator, one load per operator on the hot path:
 * for fixed signatures bits 0-6 are the result type (0 for none), bits 7-13, 14-20 and
 * 21-27 the operand types from the top of the stack down, bits 28-29 the operand count;
 * for special typing the value is negative and bits 0-7 hold the Typing. Bit 30 is set
 * when the validator must check the immediates against the module (see OP_NEEDS_CHECK).
 */
export const OP_SIGNATURE = new Int32Array(OPERATOR_ID_LIMIT);
export const SIGNATURE_SPECIAL = 1 << 31;
export const SIGNATURE_CHECK_IMMEDIATES = 1 << 30;
/** The spec's text name of each operator id ('' when undefined). */
export const OP_NAME: string[] = new Array<string>(OPERATOR_ID_LIMIT).fill('');
/** The table row of each operator id. */
export const OP_ROW: (OpcodeRow | undefined)[] = new Array<OpcodeRow | undefined>(OPERATOR_ID_LIMIT).fill(undefined);

/** Operator ids by identifier: `Op.I32Add === 0x6a`. */
export const Op = {} as { readonly [K in OpId]: number };

for (const row of OPCODE_TABLE as readonly OpcodeRow[]) {
  const [prefix, code, id, name, immediate, typing, , extra] = row;
  const op = operatorId(prefix, code);
  if (OP_DEFINED[op]) throw new Error(`duplicate opcode row for ${name}`);
  OP_DEFINED[op] = 1;
  OP_IMMEDIATE[op] = IMMEDIATE_BY_NAME[immediate];
  OP_NAME[op] = name;
  OP_ROW[op] = row;
  OP_EXTRA[op] = extra ?? 0;
  (Op as Record<string, number>)[id] = op;
  if (typing.startsWith('!')) {
    const special = TYPING_BY_MARKER[typing];
    if (special === undefined) throw new Error(`unknown typing marker ${typing}`);
    OP_TYPING[op] = special;
    OP_SIGNATURE[op] = SIGNATURE_SPECIAL | special;
    continue;
  }
  const [operandText, resultText] = typing.split('->').map((side) => side.trim());
  const operands = operandText === '' ? [] : operandText.split(/\s+/);
  const results = resultText === '' ? [] : resultText.split(/\s+/);
  if (operands.length > 3 || results.length > 1) throw new Error(`signature too long for ${name}`);
  OP_TYPING[op] = Typing.Fixed;
  OP_POP_COUNT[op] = operands.length;
  for (let i = 0; i < operands.length; i++) {
    OP_POP_TYPES[op * 3 + i] = VALUE_TYPE_BY_NAME[operands[operands.length - 1 - i]];
  }
  OP_RESULT[op] = results.length === 0 ? 0 : VALUE_TYPE_BY_NAME[results[0]];
  OP_SIGNATURE[op] =
    OP_RESULT[op] | (OP_POP_TYPES[op * 3] << 7) | (OP_POP_TYPES[op * 3 + 1] << 14) | (OP_POP_TYPES[op * 3 + 2] << 21) | (operands.length << 28);
}
// Immediates the validator checks against the module (memory, table, segment, function,
// type and lane indices, alignment, typed select's arity) get the check bit.
const CHECKED_IMMEDIATES = new Set<Immediate>([
  Immediate.MemArg, Immediate.MemArgLane, Immediate.Memory, Immediate.MemoryCopy, Immediate.MemoryInit,
  Immediate.Data, Immediate.Table, Immediate.TableCopy, Immediate.TableInit, Immediate.Elem, Immediate.Func,
  Immediate.CallIndirect, Immediate.BlockType, Immediate.Lane, Immediate.Shuffle, Immediate.SelectTyped,
]);
for (let op = 0; op < OPERATOR_ID_LIMIT; op++) {
  if (OP_DEFINED[op] && CHECKED_IMMEDIATES.has(OP_IMMEDIATE[op] as Immediate)) OP_SIGNATURE[op] |= SIGNATURE_CHECK_IMMEDIATES;
}
Object.freeze(Op);

/** The name of an operator id for messages, e.g. "i32.add". */
export function operatorName(op: number): string {
  return OP_NAME[op] || `opcode 0x${op.toString(16)}`;
}
