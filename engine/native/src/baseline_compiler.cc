// Baseline compile, C++ side (docs/RATIONALE.md "Why a baseline compiler in C++ as well?"):
// the port of engine/baseline/baseline-function.ts (BaselineFunctionCompiler) and of
// engine/baseline/baseline-unit.ts's compileUnit, statement by statement and under the same
// names, with the operator decoding of engine/binary/operator-reader.ts. Both compilers must
// give the same bytes, function offsets, table offset and OSR candidates for every unit, and
// decline the same units: engine/baseline/native-baseline.test.ts compares them on every unit
// of the suites, the npm packages' modules, the spec modules and the hostile corpus. The
// TypeScript compiler is the reference; a change there is made here too, the same way.
//
// One pass over a validated body (after a pre-scan that picks the register locals): every
// local and operand-stack position has a fixed 8-byte slot; within straight-line code the
// operand stack's values live in registers (or stay constants), and at every label, branch
// and call they are written to their slots. The (at most three) i32/i64 locals used most
// live in r13, r14, r15 instead, for the whole function (their slots written only for an
// OSR transfer); the (at most four) f32/f64 locals used most live in xmm15-xmm12, taken out
// of the operand pool, written to their slots before every call out that returns and
// reloaded after it (System V preserves no XMM register); and a comparison followed by
// br_if or if jumps on its flags. The frame
// (with the saved r13-r15 between r12 and the locals: [rbp-24], [rbp-32], [rbp-40], as many
// as there are register locals), the registers and the ABI are described at the top of
// baseline-function.ts.
//
// Where the TypeScript throws BaselineUnsupported this records a decline, and where it throws
// an internal error (or the operator reader a CompileError) an error; the first one stands,
// each operator returns early after it, and the unit is abandoned. The TypeScript's numbers
// are int32 constant halves (lo, hi), u32 immediates and offsets held here as int32_t,
// uint32_t or int64_t so that every comparison and truncation gives the same result.
#include "baseline_compiler.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "abi.h"
#include "baseline_emitter.h"
#include "trap_codes.h"

namespace wasm_native {
namespace baseline {
namespace {

/** The operators this compiler takes, in opcode order (dense; 0: any other). */
namespace K {
enum : uint8_t {
  None, Unreachable, Nop, Block, Loop, If, Else, End,
  Br, BrIf, BrTable, Return, Call, CallIndirect, Drop, Select,
  SelectTyped, LocalGet, LocalSet, LocalTee, GlobalGet, GlobalSet, I32Load, I64Load,
  F32Load, F64Load, I32Load8S, I32Load8U, I32Load16S, I32Load16U, I64Load8S, I64Load8U,
  I64Load16S, I64Load16U, I64Load32S, I64Load32U, I32Store, I64Store, F32Store, F64Store,
  I32Store8, I32Store16, I64Store8, I64Store16, I64Store32, MemorySize, MemoryGrow, I32Const,
  I64Const, F32Const, F64Const, I32Eqz, I32Eq, I32Ne, I32LtS, I32LtU,
  I32GtS, I32GtU, I32LeS, I32LeU, I32GeS, I32GeU, I64Eqz, I64Eq,
  I64Ne, I64LtS, I64LtU, I64GtS, I64GtU, I64LeS, I64LeU, I64GeS,
  I64GeU, F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge, F64Eq,
  F64Ne, F64Lt, F64Gt, F64Le, F64Ge, I32Clz, I32Ctz, I32Popcnt,
  I32Add, I32Sub, I32Mul, I32DivS, I32DivU, I32RemS, I32RemU, I32And,
  I32Or, I32Xor, I32Shl, I32ShrS, I32ShrU, I32Rotl, I32Rotr, I64Clz,
  I64Ctz, I64Popcnt, I64Add, I64Sub, I64Mul, I64DivS, I64DivU, I64RemS,
  I64RemU, I64And, I64Or, I64Xor, I64Shl, I64ShrS, I64ShrU, I64Rotl,
  I64Rotr, F32Abs, F32Neg, F32Ceil, F32Floor, F32Trunc, F32Nearest, F32Sqrt,
  F32Add, F32Sub, F32Mul, F32Div, F32Min, F32Max, F32Copysign, F64Abs,
  F64Neg, F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt, F64Add, F64Sub,
  F64Mul, F64Div, F64Min, F64Max, F64Copysign, I32WrapI64, I32TruncF32S, I32TruncF32U,
  I32TruncF64S, I32TruncF64U, I64ExtendI32S, I64ExtendI32U, I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U,
  F32ConvertI32S, F32ConvertI32U, F32ConvertI64S, F32ConvertI64U, F32DemoteF64, F64ConvertI32S, F64ConvertI32U, F64ConvertI64S,
  F64ConvertI64U, F64PromoteF32, I32ReinterpretF32, I64ReinterpretF64, F32ReinterpretI32, F64ReinterpretI64, I32Extend8S, I32Extend16S,
  I64Extend8S, I64Extend16S, I64Extend32S, RefNull, RefIsNull, RefFunc, I32TruncSatF32S, I32TruncSatF32U,
  I32TruncSatF64S, I32TruncSatF64U, I64TruncSatF32S, I64TruncSatF32U, I64TruncSatF64S, I64TruncSatF64U,
};
}  // namespace K

/** Operator ids (engine/wasm/opcodes.ts Op): the byte, 0x100 + code for 0xFC, 0x200 + code for 0xFD. */
constexpr int kOperatorIdLimit = 0x300;

/** K of each operator id, as the TypeScript's KIND table ([Op.X, K.X] for each X of K). */
struct KindTable {
  uint8_t kind[kOperatorIdLimit] = {};
  KindTable() {
    static const uint16_t kOps[][2] = {
        {0x00, K::Unreachable}, {0x01, K::Nop}, {0x02, K::Block}, {0x03, K::Loop}, {0x04, K::If}, {0x05, K::Else}, {0x0b, K::End},
        {0x0c, K::Br}, {0x0d, K::BrIf}, {0x0e, K::BrTable}, {0x0f, K::Return}, {0x10, K::Call}, {0x11, K::CallIndirect},
        {0x1a, K::Drop}, {0x1b, K::Select}, {0x1c, K::SelectTyped}, {0x20, K::LocalGet}, {0x21, K::LocalSet}, {0x22, K::LocalTee},
        {0x23, K::GlobalGet}, {0x24, K::GlobalSet}, {0x28, K::I32Load}, {0x29, K::I64Load}, {0x2a, K::F32Load}, {0x2b, K::F64Load},
        {0x2c, K::I32Load8S}, {0x2d, K::I32Load8U}, {0x2e, K::I32Load16S}, {0x2f, K::I32Load16U}, {0x30, K::I64Load8S},
        {0x31, K::I64Load8U}, {0x32, K::I64Load16S}, {0x33, K::I64Load16U}, {0x34, K::I64Load32S}, {0x35, K::I64Load32U},
        {0x36, K::I32Store}, {0x37, K::I64Store}, {0x38, K::F32Store}, {0x39, K::F64Store}, {0x3a, K::I32Store8},
        {0x3b, K::I32Store16}, {0x3c, K::I64Store8}, {0x3d, K::I64Store16}, {0x3e, K::I64Store32}, {0x3f, K::MemorySize},
        {0x40, K::MemoryGrow}, {0x41, K::I32Const}, {0x42, K::I64Const}, {0x43, K::F32Const}, {0x44, K::F64Const},
        {0xd0, K::RefNull}, {0xd1, K::RefIsNull}, {0xd2, K::RefFunc},
    };
    for (const auto& pair : kOps) kind[pair[0]] = static_cast<uint8_t>(pair[1]);
    // 0x45 (i32.eqz) to 0xc4 (i64.extend32_s): every opcode, in K's order.
    for (int op = 0x45; op <= 0xc4; op++) kind[op] = static_cast<uint8_t>(K::I32Eqz + (op - 0x45));
    // 0xFC 0x00-0x07: the saturating truncations.
    for (int code = 0; code <= 7; code++) kind[0x100 + code] = static_cast<uint8_t>(K::I32TruncSatF32S + code);
  }
};
static_assert(K::I64Extend32S - K::I32Eqz == 0xc4 - 0x45, "K follows the opcodes from i32.eqz to i64.extend32_s");
static_assert(K::I64TruncSatF64U - K::I32TruncSatF32S == 7, "K follows the saturating truncations");

const KindTable kKind;

// ---- operator decoding (engine/binary/operator-reader.ts, engine/binary/leb128.ts)

/**
 * Immediate kind of each operator id (opcodes.ts OP_IMMEDIATE), one character per code of
 * each prefix: '.' undefined, '-' none, 'i' one u32 index, 'B' block type, 'T' br_table,
 * 'C' two u32 indices, 'M' memarg, 'N' memarg + lane, 'Z' a zero byte, 'Y' two zero bytes,
 * 'X' u32 + zero byte, '1' s32, '2' s64, '3' f32 bits, '4' f64 bits, 'V' 16 bytes,
 * 'S' typed select's types, 'R' a reference type, 'L' a lane byte.
 */
constexpr char kPlainImmediates[] =  // plain opcodes
    "--BBB-.....-iiT-iC........--S...iiiiiii.MMMMMMMMMMMMMMMMMMMMMMMZ"
    "Z1234-----------------------------------------------------------"
    "----------------------------------------------------------------"
    "-----...........R-i.............................................";
constexpr char kFcImmediates[] =  // 0xFC
    "--------XiYZCiCiii.............................................."
    "................................................................"
    "................................................................"
    "................................................................";
constexpr char kFdImmediates[] =  // 0xFD
    "MMMMMMMMMMMMVV-------LLLLLLLLLLLLLL-----------------------------"
    "--------------------NNNNNNNNMM----------------------------------"
    "--------------------------.-------.--..--------..-...------.----"
    "--.--..--------..-...-------------.-----------.-----------------";
static_assert(sizeof kPlainImmediates == 257 && sizeof kFcImmediates == 257 && sizeof kFdImmediates == 257, "256 codes per prefix");
const char* const kImmediates[3] = {kPlainImmediates, kFcImmediates, kFdImmediates};

/** MAX_BR_TABLE_TARGETS (engine/binary/limits.ts). */
constexpr uint32_t kMaxBrTableTargets = 65520;

/** One decoded operator (operator-reader.ts Operator), reused: fields keep their last values. */
struct Operator {
  int opcode = 0;
  uint32_t index = 0;
  uint32_t secondIndex = 0;
  /** s33 block type: >= 0 a type index, otherwise the value-type byte − 0x80 (-64 empty). */
  int64_t blockType = 0;
  uint32_t align = 0;
  uint32_t memoryOffset = 0;
  int32_t i32 = 0;
  int64_t i64 = 0;
  uint32_t f32Bits = 0;
  uint32_t f64Low = 0;
  uint32_t f64High = 0;
  std::vector<uint32_t> brTableTargets;
  uint32_t brTableCount = 0;
  /** ref.null's reference type, or typed select's first type. */
  int valueType = 0;
};

bool IsValueTypeByte(int byte) { return (byte >= 0x7b && byte <= 0x7f) || byte == 0x70 || byte == 0x6f; }

/** operator-reader.ts OperatorReader over [pos, end) of the module's bytes; a failure is recorded, not thrown. */
class OperatorReader {
 public:
  OperatorReader(const uint8_t* bytes, size_t start, size_t end) : bytes_(bytes), pos_(start), end_(end) {}

  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }

  /** The byte of the next operator's opcode, or -1 at the end. */
  int peekByte() const { return pos_ < end_ ? bytes_[pos_] : -1; }

  /** Decodes the operator at `pos` into `op` and advances past it. */
  void read(Operator& op) {
    size_t offset = pos_;
    int code = readByte();
    if (failed_) return;
    char immediate = kImmediates[0][code];
    if (code == 0xfc || code == 0xfd) {
      uint32_t sub = readU32();
      if (failed_) return;
      if (sub > 0xff) return fail("illegal opcode", offset);
      int prefix = code == 0xfc ? 1 : 2;
      immediate = kImmediates[prefix][sub];
      code = prefix * 0x100 + static_cast<int>(sub);
    }
    op.opcode = code;
    if (immediate == '.') return fail("illegal opcode", offset);
    readImmediates(op, immediate);
  }

 private:
  void fail(const char* problem, size_t offset) {
    if (failed_) return;
    failed_ = true;
    error_ = std::string("operator reader: ") + problem + " at offset " + std::to_string(offset);
  }

  void failEnd() { fail("unexpected end of section or function", pos_); }

  int readByte() {
    if (pos_ >= end_) {
      failEnd();
      return 0;
    }
    return bytes_[pos_++];
  }

  void readZeroByte() {
    size_t offset = pos_;
    if (readByte() != 0) fail("zero byte expected", offset);
  }

  uint32_t readU32() {
    size_t start = pos_;
    uint32_t result = 0;
    for (int i = 0; i < 5; i++) {
      if (pos_ >= end_) {
        failEnd();
        return 0;
      }
      uint32_t byte = bytes_[pos_++];
      if (i == 4) {
        if (byte & 0x80) fail("integer representation too long", start);
        if (byte & 0x70) fail("integer too large", start);
        return result | (byte << 28);
      }
      result |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) return result;
    }
    return 0;
  }

  int32_t readS32() {
    size_t start = pos_;
    uint32_t result = 0;
    for (int i = 0; i < 5; i++) {
      if (pos_ >= end_) {
        failEnd();
        return 0;
      }
      uint32_t byte = bytes_[pos_++];
      if (i == 4) {
        if (byte & 0x80) fail("integer representation too long", start);
        uint32_t signAndUnused = byte & 0x78;
        if (signAndUnused != 0 && signAndUnused != 0x78) fail("integer too large", start);
        return static_cast<int32_t>(result | (byte << 28));
      }
      int shift = 7 * i;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        if (byte & 0x40) result |= ~0u << (shift + 7);
        return static_cast<int32_t>(result);
      }
    }
    return 0;
  }

  int64_t readS33() {
    size_t start = pos_;
    int64_t result = 0;
    int64_t multiplier = 1;
    for (int i = 0; i < 5; i++) {
      if (pos_ >= end_) {
        failEnd();
        return 0;
      }
      int64_t byte = bytes_[pos_++];
      if (i == 4) {
        if (byte & 0x80) fail("integer representation too long", start);
        int64_t signAndUnused = byte & 0x70;
        if (signAndUnused != 0 && signAndUnused != 0x70) fail("integer too large", start);
        result += (byte & 0x1f) * multiplier;
        return (byte & 0x10) ? result - (int64_t{1} << 33) : result;
      }
      result += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) == 0) return (byte & 0x40) ? result - multiplier : result;
    }
    return 0;
  }

  int64_t readS64() {
    size_t start = pos_;
    uint64_t result = 0;
    int shift = 0;
    for (int i = 0; i < 10; i++) {
      if (pos_ >= end_) {
        failEnd();
        return 0;
      }
      uint64_t byte = bytes_[pos_++];
      if (i == 9) {
        if (byte & 0x80) fail("integer representation too long", start);
        uint64_t payload = byte & 0x7f;
        if (payload != 0 && payload != 0x7f) fail("integer too large", start);
        result |= payload << 63;
        break;
      }
      result |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) == 0) {
        if ((byte & 0x40) && shift < 64) result |= ~uint64_t{0} << shift;
        break;
      }
    }
    return static_cast<int64_t>(result);
  }

  uint32_t readU32LittleEndian() {
    if (end_ - pos_ < 4) {
      pos_ = end_;
      failEnd();
      return 0;
    }
    const uint8_t* b = bytes_ + pos_;
    pos_ += 4;
    return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 | static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
  }

  void readImmediates(Operator& op, char immediate) {
    switch (immediate) {
      case '-':
        return;
      case 'i':
        op.index = readU32();
        return;
      case '1':
        op.i32 = readS32();
        return;
      case 'M':
        op.align = readU32();
        op.memoryOffset = readU32();
        return;
      case 'B':
        readBlockType(op);
        return;
      case '2':
        op.i64 = readS64();
        return;
      case '3':
        op.f32Bits = readU32LittleEndian();
        return;
      case '4':
        op.f64Low = readU32LittleEndian();
        op.f64High = readU32LittleEndian();
        return;
      case 'T':
        readBrTable(op);
        return;
      case 'C':
        op.index = readU32();
        op.secondIndex = readU32();
        return;
      case 'Z':
        readZeroByte();
        return;
      case 'Y':
        readZeroByte();
        readZeroByte();
        return;
      case 'X':
        op.index = readU32();
        readZeroByte();
        return;
      case 'S': {
        uint32_t count = readU32();
        if (failed_) return;
        if (count > end_ - pos_) return failEnd();
        op.valueType = 0;
        for (uint32_t i = 0; i < count; i++) {
          size_t offset = pos_;
          int type = readByte();
          if (failed_) return;
          if (!IsValueTypeByte(type)) return fail("malformed value type", offset);
          if (i == 0) op.valueType = type;
        }
        return;
      }
      case 'R': {
        size_t offset = pos_;
        int type = readByte();
        if (failed_) return;
        if (type != 0x70 && type != 0x6f) return fail("malformed reference type", offset);
        op.valueType = type;
        return;
      }
      case 'V':
        if (end_ - pos_ < 16) {
          pos_ = end_;
          return failEnd();
        }
        pos_ += 16;
        return;
      case 'L':
        readByte();
        return;
      case 'N':
        op.align = readU32();
        op.memoryOffset = readU32();
        readByte();
        return;
      default:
        return fail("no immediate decoder", pos_);
    }
  }

  void readBlockType(Operator& op) {
    size_t pos = pos_;
    if (pos >= end_) return failEnd();
    int byte = bytes_[pos];
    if (byte == 0x40 || IsValueTypeByte(byte)) {
      pos_ = pos + 1;
      op.blockType = byte - 0x80;
      return;
    }
    int64_t value = readS33();
    if (failed_) return;
    if (value < 0) return fail("malformed block type", pos);
    op.blockType = value;
  }

  void readBrTable(Operator& op) {
    size_t countOffset = pos_;
    uint32_t count = readU32();
    if (failed_) return;
    if (count >= end_ - pos_) return fail("br_table target count exceeds the bytes remaining", countOffset);
    if (count > kMaxBrTableTargets) return fail("br_table has too many targets", countOffset);
    if (op.brTableTargets.size() < count) op.brTableTargets.resize(count);
    for (uint32_t i = 0; i < count; i++) op.brTableTargets[i] = readU32();
    op.brTableCount = count;
    op.index = readU32();
  }

  const uint8_t* bytes_;
  size_t pos_;
  size_t end_;
  bool failed_ = false;
  std::string error_;
};

// ---- the compiler

/** Labels of the unit's table of runtime entry points (baseline-function.ts RuntimeTable). */
struct RuntimeTable {
  Label trap = 0;
  Label checkSlow = 0;
  Label memoryGrow = 0;
  Label tierUp = 0;
};

enum class FrameKind { Function, Block, Loop, If, Else };

struct ControlFrame {
  FrameKind kind = FrameKind::Block;
  /** Pushed while reachable: its code exists. */
  bool live = false;
  /** Operand height below the frame's parameters. */
  int32_t base = 0;
  int32_t params = 0;
  /** The result types (at most one): resultCount 0 or 1, and its type. */
  int32_t resultCount = 0;
  uint8_t resultType = 0;
  /** Branch target: a loop's header, otherwise the end. */
  Label label = -1;
  /** An `if`'s false target (its else-arm or, without one, its end). */
  Label elseLabel = -1;
  /** Something branches to the end (blocks, ifs). */
  bool branched = false;
};

/** Where an operand-stack value is. */
enum class Where : uint8_t { Slot, Register, Constant };

/** A value taken off the stack: its type and where it is (a register stays reserved until freed or pushed). */
struct Operand {
  uint8_t type = kI32;
  Where where = Where::Slot;
  /** Register number (GPR or XMM by type). */
  int reg = 0;
  /** The slot it was in (Where::Slot). */
  Mem slot;
  /** Constant bits (Where::Constant): low and high 32 bits (an i32's or f32's high half is its sign or 0). */
  int32_t lo = 0;
  int32_t hi = 0;
};

/** A block type's parameter count and result types. */
struct BlockTypes {
  int32_t params = 0;
  int32_t resultCount = 0;
  uint8_t resultType = 0;
};

/** Float → integer truncation (baseline-function.ts Truncation); bounds as f64 bits [lo, hi]. */
struct Halves {
  int32_t lo;
  int32_t hi;
};

struct Truncation {
  bool fromDouble;
  bool to64;
  bool isSigned;
  bool saturating;
  /** Exclusive bounds as f64 bits: the value must be > lower and < upper. */
  Halves lower;
  Halves upper;
  /** Saturated results ([lo, hi] bits). */
  Halves minimum;
  Halves maximum;
};

/** An f64's bits as [lo, hi] int32 halves. */
Halves F64Halves(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return {static_cast<int32_t>(static_cast<uint32_t>(bits)), static_cast<int32_t>(static_cast<uint32_t>(bits >> 32))};
}

const Halves kTwoTo63 = F64Halves(9223372036854775808.0);

Truncation MakeTruncation(bool fromDouble, bool to64, bool isSigned, bool saturating) {
  double lower = isSigned ? (to64 ? -9223372036854775808.0 - 2048.0 : -2147483648.0 - 1.0) : -1.0;
  double upper = isSigned ? (to64 ? 9223372036854775808.0 : 2147483648.0) : to64 ? 18446744073709551616.0 : 4294967296.0;
  Halves minimum = isSigned ? (to64 ? Halves{0, INT32_MIN} : Halves{INT32_MIN, 0}) : Halves{0, 0};
  Halves maximum = isSigned ? (to64 ? Halves{-1, 0x7fffffff} : Halves{0x7fffffff, 0}) : to64 ? Halves{-1, -1} : Halves{-1, 0};
  return {fromDouble, to64, isSigned, saturating, F64Halves(lower), F64Halves(upper), minimum, maximum};
}

/** TRUNCATIONS: the truncation of each K from I32TruncF32S on (nullptr-free lookup by Truncations::of). */
struct Truncations {
  Truncation trapping[8];
  Truncation saturating[8];
  Truncations() {
    // K.I32TruncF32S … K.I64TruncF64U are not contiguous in K (the extends sit between), so by name.
    const bool kFromDouble[8] = {false, false, true, true, false, false, true, true};
    const bool kTo64[8] = {false, false, false, false, true, true, true, true};
    const bool kSigned[8] = {true, false, true, false, true, false, true, false};
    for (int i = 0; i < 8; i++) {
      trapping[i] = MakeTruncation(kFromDouble[i], kTo64[i], kSigned[i], false);
      saturating[i] = MakeTruncation(kFromDouble[i], kTo64[i], kSigned[i], true);
    }
  }
  /** The truncation of operator kind `k`, or nullptr. */
  const Truncation* of(int k) const {
    switch (k) {
      case K::I32TruncF32S: return &trapping[0];
      case K::I32TruncF32U: return &trapping[1];
      case K::I32TruncF64S: return &trapping[2];
      case K::I32TruncF64U: return &trapping[3];
      case K::I64TruncF32S: return &trapping[4];
      case K::I64TruncF32U: return &trapping[5];
      case K::I64TruncF64S: return &trapping[6];
      case K::I64TruncF64U: return &trapping[7];
      case K::I32TruncSatF32S: return &saturating[0];
      case K::I32TruncSatF32U: return &saturating[1];
      case K::I32TruncSatF64S: return &saturating[2];
      case K::I32TruncSatF64U: return &saturating[3];
      case K::I64TruncSatF32S: return &saturating[4];
      case K::I64TruncSatF32U: return &saturating[5];
      case K::I64TruncSatF64S: return &saturating[6];
      case K::I64TruncSatF64U: return &saturating[7];
      default: return nullptr;
    }
  }
};

const Truncations kTruncations;

constexpr int64_t MAX_FRAME_BYTES = 1 << 20;
/** The opcodes of br_if and if (a comparison followed by one of them jumps on its flags). */
constexpr int kOpBrIf = 0x0d;
constexpr int kOpIf = 0x04;
constexpr int kOpBlock = 0x02;
constexpr int kOpLoop = 0x03;
constexpr int kOpEnd = 0x0b;
constexpr int kOpLocalGet = 0x20;
constexpr int kOpLocalSet = 0x21;
constexpr int kOpLocalTee = 0x22;
/** The callee-saved registers that hold the locals used most (chooseRegisterLocals), by rank. */
constexpr int HOME_REGISTERS[] = {R::R13, R::R14, R::R15};
constexpr int HOME_REGISTER_COUNT = 3;
/** A use's weight in the pre-scan, by the loops around it (capped). */
constexpr int64_t LOOP_WEIGHTS[] = {1, 8, 64, 512, 4096, 32768};
constexpr int INT_ARGUMENT_REGISTERS[] = {R::Rsi, R::Rdx, R::Rcx, R::R8, R::R9};
constexpr int INT_ARGUMENT_REGISTER_COUNT = 5;
constexpr int FLOAT_ARGUMENT_REGISTERS = 8;
/** INTERRUPT_THRESHOLD (abi.ts) as a sign-extended imm32. */
constexpr int64_t INTERRUPT_THRESHOLD_IMM32 = -0x10000;
/** Registers that hold operand-stack values. */
constexpr int GPR_POOL[] = {R::Rsi, R::Rdi, R::R8, R::R9, R::R10, R::R11};
constexpr int XMM_POOL[] = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
/** The XMM registers that hold the f32/f64 locals used most (chooseRegisterLocals), by rank. */
constexpr int FLOAT_HOME_REGISTERS[] = {15, 14, 13, 12};
constexpr int FLOAT_HOME_REGISTER_COUNT = 4;
constexpr int32_t FREE = -1;
/** Owner of a register taken off the stack and not yet freed or pushed. */
constexpr int32_t TAKEN = -2;
/** TIER_UP_FROM_LOOP (abi.ts): 2^32. */
constexpr int64_t TIER_UP_FROM_LOOP = int64_t{1} << 32;
/** ThreadLimits.interruptWord, MemoryDefinition.base/byteLength, TableDefinition.elements/length, FuncRef.code/typeId/vmctx. */
constexpr int64_t kInterruptWord = offsetof(ThreadLimits, interruptWord);
constexpr int64_t kMemoryBase = offsetof(MemoryDefinition, base);
constexpr int64_t kMemoryByteLength = offsetof(MemoryDefinition, byteLength);
constexpr int64_t kTableElements = offsetof(TableDefinition, elements);
constexpr int64_t kTableLength = offsetof(TableDefinition, length);
constexpr int64_t kFuncRefCode = offsetof(FuncRef, code);
constexpr int64_t kFuncRefTypeId = offsetof(FuncRef, typeId);
constexpr int64_t kFuncRefVmctx = offsetof(FuncRef, vmctx);

bool isFloat(uint8_t type) { return type == kF32 || type == kF64; }

bool isWide(uint8_t type) { return type != kI32 && type != kF32; }

/** Whether a constant of `type` stores as one sign-extended imm32 (narrow types always: their high half is undefined in a slot). */
bool fitsImm32(uint8_t type, int32_t lo, int32_t hi) { return !isWide(type) || hi == (lo >> 31); }

bool contains(const std::vector<uint8_t>& types, uint8_t type) {
  for (uint8_t t : types)
    if (t == type) return true;
  return false;
}

/** Out-of-line code emitted after the body (the TypeScript's coldPaths closures). */
struct ColdPath {
  enum Kind { SlowCheck, CountDown, Osr } kind;
  /** The path's label (slow, call, due) and where it goes back to. */
  Label entry;
  Label back;
  uint32_t functionIndex;
  /** CountDown: the tier-up call's `where`. */
  int64_t where;
  /** Osr: the loop's ordinal and the locals' start. */
  int32_t ordinal;
  Mem localsStart;
};

/** Compiles defined functions, one after another, into one emitter (a code unit). */
class BaselineFunctionCompiler {
 public:
  BaselineFunctionCompiler(const BaselineModule& module, std::vector<uint32_t>* osrCandidates)
      : module_(module), osrCandidates_(osrCandidates), hasMemory_(module.memoryCount > 0) {}

  bool declined() const { return declined_; }
  /** Declined, or an internal error (of this compiler, the reader or the emitter). */
  bool failed() const { return declined_ || error_ || a_->failed(); }
  std::string message() const { return declined_ || error_ ? message_ : a_->error(); }

  /**
   * Compiles `functionIndex` into `emitter` at its current position (16-byte aligned), its
   * runtime calls through `runtime`'s labels; check failed() after.
   */
  uint32_t compile(X64Emitter& emitter, uint32_t functionIndex, const RuntimeTable& runtime) {
    a_ = &emitter;
    runtime_ = runtime;
    if (functionIndex < module_.importedFunctionCount || functionIndex - module_.importedFunctionCount >= module_.bodies.size()) {
      decline("function has no body here");
      return 0;
    }
    const FunctionBody& body = module_.bodies[functionIndex - module_.importedFunctionCount];
    emitter.align(16);
    uint32_t start = emitter.length();
    functionIndex_ = functionIndex;
    if (functionIndex >= module_.functionTypeIndices.size() || module_.functionTypeIndices[functionIndex] >= module_.types.size()) {
      internalError("function " + std::to_string(functionIndex) + " has no type");
      return start;
    }
    signature_ = &module_.types[module_.functionTypeIndices[functionIndex]];
    checkCallType(*signature_);
    if (failed()) return start;
    frames_.clear();
    height_ = 0;
    maxHeight_ = 0;
    outgoingBytes_ = 0;
    reachable_ = true;
    loopOrdinal_ = 0;
    trapLabels_.clear();
    coldPaths_.clear();
    for (int i = 0; i < 16; i++) gprOwner_[i] = xmmOwner_[i] = FREE;
    unspilledFrom_ = 0;
    reader_ = nullptr;
    compileBody(body);
    reader_ = nullptr;
    return start;
  }

 private:
  void decline(const char* why) {
    if (failed()) return;
    declined_ = true;
    message_ = why;
  }

  void internalError(const std::string& what) {
    if (failed()) return;
    error_ = true;
    message_ = what;
  }

  // ---- slots

  Mem localSlot(int64_t index) const { return mem(R::Rbp, -16 - 8 * homeCount_ - 8 * localCount_ + 8 * index); }

  Mem slot(int64_t height) const { return mem(R::Rbp, -16 - 8 * homeCount_ - 8 * localCount_ - 8 * (height + 1)); }

  /** The home register of local `index`, or -1 (it lives in its slot). */
  int home(int64_t index) const {
    for (int i = 0; i < homeCount_; i++)
      if (homeLocals_[i] == index) return HOME_REGISTERS[i];
    return -1;
  }

  /** The XMM home of local `index`, or -1. */
  int floatHome(int64_t index) const {
    for (int i = 0; i < floatHomeCount_; i++)
      if (floatHomeLocals_[i] == index) return FLOAT_HOME_REGISTERS[i];
    return -1;
  }

  /** The float homes into their slots (before a call out: no XMM register survives one). */
  void saveFloatHomes() {
    for (int i = 0; i < floatHomeCount_; i++) a_->storeXmm(true, localSlot(floatHomeLocals_[i]), FLOAT_HOME_REGISTERS[i]);
  }

  /** The float homes back from their slots (after a call out). */
  void loadFloatHomes() {
    for (int i = 0; i < floatHomeCount_; i++) a_->loadXmm(true, FLOAT_HOME_REGISTERS[i], localSlot(floatHomeLocals_[i]));
  }

  /**
   * The pre-scan: the (at most three) i32/i64 and (at most four) f32/f64 locals used most (two
   * separate rankings), each local.get, local.set and
   * local.tee counting 8^(loops around it, at most 5), in the whole body (unreachable code
   * too); a weight of at least 2 (two uses outside loops, or one inside) to be worth a
   * register (its save and restore); ties go to the lower index. The body is validated:
   * the scan only steps over the immediates (kImmediates' kinds), as the operator reader
   * reads them, and stops at an undefined operator or the body's end.
   */
  void chooseRegisterLocals(const FunctionBody& body) {
    homeCount_ = 0;
    floatHomeCount_ = 0;
    size_t localCount = localTypes_.size();
    useWeights_.assign(localCount, 0);
    scanLoops_.clear();
    int depth = 0;
    const uint8_t* bytes = module_.bytes;
    size_t end = body.end;
    size_t pos = body.codeStart;
    // A LEB128 u32 (as the operator reader reads a well-formed one); skipLeb steps over one.
    auto readLeb = [&]() -> uint32_t {
      uint32_t value = 0;
      for (int shift = 0; pos < end; shift += 7) {
        uint32_t byte = bytes[pos++];
        if (shift < 32) value |= (byte & 0x7f) << shift;
        if (byte < 0x80) break;
      }
      return value;
    };
    auto skipLeb = [&]() {
      while (pos < end && bytes[pos++] >= 0x80) {
      }
    };
    bool scanning = true;
    while (scanning && pos < end) {
      int op = bytes[pos++];
      char immediate = kImmediates[0][op];
      switch (op) {
        case kOpLocalGet:
        case kOpLocalSet:
        case kOpLocalTee: {
          uint32_t index = readLeb();
          if (index < localCount) useWeights_[index] += LOOP_WEIGHTS[depth < 5 ? depth : 5];
          continue;
        }
        case kOpBlock:
        case kOpIf:
          scanLoops_.push_back(false);
          break;
        case kOpLoop:
          scanLoops_.push_back(true);
          depth++;
          break;
        case kOpEnd:
          if (!scanLoops_.empty()) {
            if (scanLoops_.back()) depth--;
            scanLoops_.pop_back();
          }
          continue;
        case 0xfc:
        case 0xfd: {
          uint32_t code = readLeb();
          if (code > 0xff) {
            scanning = false;
            continue;
          }
          immediate = kImmediates[op == 0xfc ? 1 : 2][code];
          break;
        }
        default:
          break;
      }
      switch (immediate) {
        case '-':
          break;
        case 'i':
        case '1':
        case '2':
          skipLeb();
          break;
        case 'B':
          if (pos < end && (bytes[pos] == 0x40 || IsValueTypeByte(bytes[pos]))) pos++;
          else skipLeb();
          break;
        case 'T':
          for (int64_t targets = readLeb(); targets >= 0 && pos < end; targets--) skipLeb();  // and the default
          break;
        case 'C':
        case 'M':
          skipLeb();
          skipLeb();
          break;
        case 'N':
          skipLeb();
          skipLeb();
          pos++;
          break;
        case 'X':
          skipLeb();
          pos++;
          break;
        case 'Z':
        case 'R':
        case 'L':
          pos++;
          break;
        case 'Y':
          pos += 2;
          break;
        case '3':
          pos += 4;
          break;
        case '4':
          pos += 8;
          break;
        case 'V':
          pos += 16;
          break;
        case 'S':
          pos += readLeb();
          break;
        default:
          scanning = false;  // an undefined operator (not in a validated body)
          break;
      }
    }
    for (size_t i = 0; i < localCount; i++) {
      int64_t weight = useWeights_[i];
      if (weight < 2) continue;
      bool isFloatLocal = isFloat(localTypes_[i]);
      if (!isFloatLocal && localTypes_[i] != kI32 && localTypes_[i] != kI64) continue;
      int64_t* list = isFloatLocal ? floatHomeLocals_ : homeLocals_;
      int& count = isFloatLocal ? floatHomeCount_ : homeCount_;
      int limit = isFloatLocal ? FLOAT_HOME_REGISTER_COUNT : HOME_REGISTER_COUNT;
      // Insert by weight, after the lower indices of the same weight.
      int at = count;
      while (at > 0 && useWeights_[list[at - 1]] < weight) at--;
      if (at >= limit) continue;
      int last = count < limit ? count : limit - 1;
      for (int j = last; j > at; j--) list[j] = list[j - 1];
      list[at] = static_cast<int64_t>(i);
      if (count < limit) count++;
    }
  }

  /** The trap's label, created on first use (the traps are emitted in that order). */
  Label trap(TrapCode code) {
    int32_t value = static_cast<int32_t>(code);
    for (const auto& entry : trapLabels_)
      if (entry.first == value) return entry.second;
    Label label = a_->newLabel();
    trapLabels_.emplace_back(value, label);
    return label;
  }

  /** Calls a runtime entry point through the unit's address table (the code stays position-independent). */
  void callRuntime(Label entry) { a_->callRipIndirect(entry); }

  // ---- the operand stack

  int32_t grow() {
    int32_t h = height_++;
    if (height_ > maxHeight_) maxHeight_ = height_;
    if (static_cast<size_t>(h) >= types_.size()) {
      size_t size = types_.size() < 64 ? 64 : 2 * types_.size();
      if (size <= static_cast<size_t>(h)) size = static_cast<size_t>(h) + 1;
      types_.resize(size, kI32);
      where_.resize(size, Where::Slot);
      regs_.resize(size, 0);
      constantLo_.resize(size, 0);
      constantHi_.resize(size, 0);
    }
    return h;
  }

  void pushRegister(uint8_t type, int reg) {
    int32_t h = grow();
    if (h < unspilledFrom_) unspilledFrom_ = h;
    types_[h] = type;
    where_[h] = Where::Register;
    regs_[h] = reg;
    if (isFloat(type)) xmmOwner_[reg & 15] = h;
    else gprOwner_[reg & 15] = h;
  }

  void pushConstant(uint8_t type, int32_t lo, int32_t hi) {
    int32_t h = grow();
    if (h < unspilledFrom_) unspilledFrom_ = h;
    types_[h] = type;
    where_[h] = Where::Constant;
    constantLo_[h] = lo;
    constantHi_[h] = hi;
  }

  /** A value already in its slot (a call's result, a merge). */
  void pushSlot(uint8_t type) {
    int32_t h = grow();
    types_[h] = type;
    where_[h] = Where::Slot;
  }

  Operand& pop() {
    Operand& operand = operands_[nextOperand_];
    nextOperand_ = (nextOperand_ + 1) & 3;
    if (height_ <= 0 || static_cast<size_t>(height_) > types_.size()) {
      internalError("operand stack underflow");
      operand = Operand();
      operand.slot = slot(0);
      return operand;
    }
    int32_t h = --height_;
    uint8_t type = types_[h];
    Where where = where_[h];
    int reg = regs_[h];
    if (where == Where::Register) {
      if (isFloat(type)) xmmOwner_[reg & 15] = TAKEN;
      else gprOwner_[reg & 15] = TAKEN;
    }
    operand.type = type;
    operand.where = where;
    operand.reg = reg;
    operand.slot = slot(h);
    operand.lo = constantLo_[h];
    operand.hi = constantHi_[h];
    return operand;
  }

  void free(const Operand& operand) {
    if (operand.where != Where::Register) return;
    if (isFloat(operand.type)) xmmOwner_[operand.reg & 15] = FREE;
    else gprOwner_[operand.reg & 15] = FREE;
  }

  /** Writes stack entry `h` to its slot. */
  void spill(int32_t h) {
    X64Emitter& a = *a_;
    if (h < 0 || static_cast<size_t>(h) >= types_.size()) return internalError("spill of a value off the stack");
    Mem s = slot(h);
    if (where_[h] == Where::Register) {
      int reg = regs_[h];
      if (isFloat(types_[h])) {
        a.storeXmm(true, s, reg);
        xmmOwner_[reg & 15] = FREE;
      } else {
        a.store(64, s, reg);
        gprOwner_[reg & 15] = FREE;
      }
    } else if (where_[h] == Where::Constant) {
      int32_t lo = constantLo_[h];
      int32_t hi = constantHi_[h];
      if (fitsImm32(types_[h], lo, hi)) {
        a.storeImm(64, s, lo);
      } else {
        a.storeImm(32, s, lo);
        a.storeImm(32, mem(s.base, s.disp + 4), hi);
      }
    }
    where_[h] = Where::Slot;
  }

  /** Every stack value into its slot: before labels, branches and calls. */
  void spillAll() {
    for (int32_t h = unspilledFrom_; h < height_; h++)
      if (where_[h] != Where::Slot) spill(h);
    unspilledFrom_ = height_;
  }

  int allocate(int32_t* owners, const int* pool, int poolSize) {
    for (int i = 0; i < poolSize; i++) {
      int reg = pool[i];
      if (owners[reg] == FREE) {
        owners[reg] = TAKEN;
        return reg;
      }
    }
    // None free: spill the deepest stack value in a register of this file.
    int deepest = -1;
    for (int i = 0; i < poolSize; i++) {
      int reg = pool[i];
      if (owners[reg] >= 0 && (deepest < 0 || owners[reg] < owners[deepest])) deepest = reg;
    }
    if (deepest < 0) {
      internalError("every baseline register is taken");
      return pool[0];
    }
    spill(owners[deepest]);
    owners[deepest] = TAKEN;
    return deepest;
  }

  int allocateGpr() { return allocate(gprOwner_, GPR_POOL, 6); }

  /** The operand pool with c float homes: xmm2 up to xmm(15-c). */
  int allocateXmm() { return allocate(xmmOwner_, XMM_POOL, 14 - floatHomeCount_); }

  /** The operand in a GPR of its own (reserved): i32 zero-extended. */
  int inGpr(Operand& operand) {
    if (operand.where == Where::Register) return operand.reg;
    int reg = allocateGpr();
    if (operand.where == Where::Slot) a_->load(isWide(operand.type) ? 64 : 32, reg, operand.slot);
    else if (isWide(operand.type)) a_->movImm64(reg, operand.lo, operand.hi);
    else a_->movImm32(reg, operand.lo);
    operand.where = Where::Register;
    operand.reg = reg;
    return reg;
  }

  /** The operand in an XMM register of its own (reserved). */
  int inXmm(Operand& operand) {
    if (operand.where == Where::Register) return operand.reg;
    int reg = allocateXmm();
    bool isDouble = operand.type == kF64;
    if (operand.where == Where::Slot) {
      a_->loadXmm(isDouble, reg, operand.slot);
    } else {
      a_->movImm64(R::Rax, operand.lo, isDouble ? operand.hi : 0);
      a_->movToXmm(isDouble ? 64 : 32, reg, R::Rax);
    }
    operand.where = Where::Register;
    operand.reg = reg;
    return reg;
  }

  /** The operand into a specific register (an argument or scratch register); frees its own. */
  void toFixedGpr(Operand& operand, int target) {
    X64Emitter& a = *a_;
    if (operand.where == Where::Register) a.movRR(64, target, operand.reg);
    else if (operand.where == Where::Slot) a.load(isWide(operand.type) ? 64 : 32, target, operand.slot);
    else if (isWide(operand.type)) a.movImm64(target, operand.lo, operand.hi);
    else a.movImm32(target, operand.lo);
    free(operand);
  }

  // ---- the function

  void compileBody(const FunctionBody& body) {
    X64Emitter& a = *a_;
    const std::vector<uint8_t>& params = signature_->params;
    localTypes_.assign(params.begin(), params.end());
    for (const auto& group : body.locals) {
      if (group.second == kV128) return decline("v128 local");
      if (static_cast<uint64_t>(localTypes_.size()) + group.first > static_cast<uint64_t>(MAX_FRAME_BYTES / 8)) return decline("too many locals");
      localTypes_.insert(localTypes_.end(), group.first, group.second);
    }
    int64_t localCount = static_cast<int64_t>(localTypes_.size());
    localCount_ = localCount;
    chooseRegisterLocals(body);
    if (failed()) return;
    int saved = homeCount_;

    // Prologue; the frame size is patched at the end.
    a.push(R::Rbp);
    a.movRR(64, R::Rbp, R::Rsp);
    a.push(R::Rbx);
    a.push(R::R12);
    for (int i = 0; i < saved; i++) a.push(HOME_REGISTERS[i]);
    a.movRR(64, R::Rbx, R::Rdi);
    a.bytes(0x48, 0x81, 0xec);  // sub rsp, imm32
    uint32_t frameField = a.length();
    a.u32(0);
    // Stack probes come before anything is written to the frame: a 5-byte nop here, patched
    // into a jump to the probes (after the body) when the frame is larger than a page.
    uint32_t probeSite = a.length();
    a.bytes(0x0f, 0x1f, 0x44, 0x00, 0x00);

    // Parameters into their slots, or their home registers (an i32 zero-extended: the caller
    // may leave the high half of its register or stack word undefined).
    int intIndex = 0;
    int floatIndex = 0;
    int64_t stackIndex = 0;
    for (size_t i = 0; i < params.size(); i++) {
      Mem s = localSlot(static_cast<int64_t>(i));
      int homeRegister = home(static_cast<int64_t>(i));
      if (isFloat(params[i])) {
        int floatHomeRegister = floatHome(static_cast<int64_t>(i));
        if (floatIndex < FLOAT_ARGUMENT_REGISTERS) {
          if (floatHomeRegister >= 0) a.movXmm(floatHomeRegister, floatIndex++);
          else a.storeXmm(true, s, floatIndex++);
          continue;
        }
        if (floatHomeRegister >= 0) {
          a.loadXmm(true, floatHomeRegister, mem(R::Rbp, 16 + 8 * stackIndex++));
          continue;
        }
      } else if (intIndex < INT_ARGUMENT_REGISTER_COUNT) {
        if (homeRegister >= 0) a.movRR(isWide(params[i]) ? 64 : 32, homeRegister, INT_ARGUMENT_REGISTERS[intIndex++]);
        else a.store(64, s, INT_ARGUMENT_REGISTERS[intIndex++]);
        continue;
      }
      if (homeRegister >= 0) {
        a.load(isWide(params[i]) ? 64 : 32, homeRegister, mem(R::Rbp, 16 + 8 * stackIndex++));
        continue;
      }
      a.load(64, R::Rax, mem(R::Rbp, 16 + 8 * stackIndex++));
      a.store(64, s, R::Rax);
    }
    // The stack check (the limit word also carries interrupts): rsp below it calls the slow path.
    a.loadFsAbsolute(R::Rax, static_cast<int64_t>(module_.tlsOffset) + kInterruptWord);
    a.aluRM(64, 0x3b, R::Rsp, mem(R::Rax, 0));  // cmp rsp, [rax]
    slowCheck(Cond::B);
    // Declared locals are zero.
    int64_t paramCount = static_cast<int64_t>(params.size());
    int64_t homesDeclared = 0;
    for (int i = 0; i < saved; i++)
      if (homeLocals_[i] >= paramCount) homesDeclared++;
    for (int i = 0; i < floatHomeCount_; i++)
      if (floatHomeLocals_[i] >= paramCount) homesDeclared++;
    if (localCount - paramCount > homesDeclared) {
      a.aluRR(32, 0x31, R::Rax, R::Rax);
      for (int64_t i = paramCount; i < localCount; i++)
        if (home(i) < 0 && floatHome(i) < 0) a.store(64, localSlot(i), R::Rax);
    }
    for (int i = 0; i < saved; i++) {
      if (homeLocals_[i] >= paramCount) a.aluRR(32, 0x31, HOME_REGISTERS[i], HOME_REGISTERS[i]);
    }
    for (int i = 0; i < floatHomeCount_; i++) {
      if (floatHomeLocals_[i] >= paramCount) a.bitwisePs(0x57, FLOAT_HOME_REGISTERS[i], FLOAT_HOME_REGISTERS[i]);  // xorps: +0.0
    }
    if (hasMemory_) {
      a.load(64, R::R12, mem(R::Rbx, memoryDefinitionPointer(0)));
      a.load(64, R::R12, mem(R::R12, kMemoryBase));
    }
    if (module_.tiered) countDown(0);

    epilogue_ = a.newLabel();
    ControlFrame function;
    function.kind = FrameKind::Function;
    function.live = true;
    function.resultCount = static_cast<int32_t>(signature_->results.size());
    function.resultType = signature_->results.empty() ? 0 : signature_->results[0];
    function.label = epilogue_;
    frames_.push_back(function);

    if (body.codeStart > body.end || body.end > module_.byteLength) return internalError("a body outside the module's bytes");
    OperatorReader reader(module_.bytes, body.codeStart, body.end);
    reader_ = &reader;
    Operator& op = operator_;
    while (!frames_.empty()) {
      reader.read(op);
      if (reader.failed()) return internalError(reader.error());
      operatorAt(op);
      if (failed()) return;
    }
    reader_ = nullptr;

    // Epilogue (every return jumps here with its result in rax/xmm0).
    a.bind(epilogue_);
    a.lea(R::Rsp, mem(R::Rbp, -16 - 8 * saved));
    for (int i = saved - 1; i >= 0; i--) a.pop(HOME_REGISTERS[i]);
    a.pop(R::R12);
    a.pop(R::Rbx);
    a.pop(R::Rbp);
    a.ret();

    // Frame: locals, operand slots, the tier-up call's two words, outgoing arguments; rsp
    // stays 16-byte aligned (rbp-16 is; the saved home registers take 8 bytes each).
    // (JavaScript's `& ~15` is on int32.)
    int64_t frameBytes = 8 * (localCount + maxHeight_) + 16 + outgoingBytes_;
    frameBytes = static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(frameBytes + 8 * saved + 15))) & ~15) - 8 * saved;
    if (frameBytes > MAX_FRAME_BYTES) return decline("frame too large");
    a.patchU32(frameField, frameBytes);
    if (frameBytes > 4096) {
      // Touch each page of the frame from the top down, then go back.
      a.patchByte(probeSite, 0xe9);
      a.patchU32(probeSite + 1, static_cast<int64_t>(a.length()) - (probeSite + 5));
      for (int64_t offset = frameBytes - 4096; offset >= 0; offset -= 4096) a.aluMI(32, 1, mem(R::Rsp, offset), 0);  // or dword [rsp+off], 0
      a.byte(0xe9);
      a.u32(static_cast<int64_t>(probeSite) + 5 - (static_cast<int64_t>(a.length()) + 4));
    }

    for (const ColdPath& cold : coldPaths_) emitColdPath(cold);
    for (const auto& entry : trapLabels_) {
      a.bind(entry.second);
      a.movImm32(R::Rdi, entry.first);
      callRuntime(runtime_.trap);
      a.byte(0xcc);  // wasm_rt_trap does not return
    }
  }

  /** A failed check (jcc `cond` taken) calls wasm_rt_check_slow(rsp) out of line and comes back. */
  void slowCheck(int cond) {
    X64Emitter& a = *a_;
    Label slow = a.newLabel();
    Label back = a.newLabel();
    a.jcc(cond, slow);
    a.bind(back);
    ColdPath cold{};
    cold.kind = ColdPath::SlowCheck;
    cold.entry = slow;
    cold.back = back;
    coldPaths_.push_back(cold);
  }

  /** The interrupt poll of a loop header. */
  void interruptPoll() {
    X64Emitter& a = *a_;
    a.loadFsAbsolute(R::Rax, static_cast<int64_t>(module_.tlsOffset) + kInterruptWord);
    a.load(64, R::Rax, mem(R::Rax, 0));
    a.aluRI(64, 7, R::Rax, INTERRUPT_THRESHOLD_IMM32);  // cmp rax, threshold
    slowCheck(Cond::A);
  }

  /** Tiered: counter -= 1; below zero calls wasm_rt_tier_up(context, [functionIndex, where]). */
  void countDown(int64_t where) {
    X64Emitter& a = *a_;
    a.aluMI(32, 5, mem(R::Rbx, tierCounter(functionIndex_)), 1);  // sub dword [..], 1
    Label call = a.newLabel();
    Label back = a.newLabel();
    a.jcc(Cond::S, call);
    a.bind(back);
    ColdPath cold{};
    cold.kind = ColdPath::CountDown;
    cold.entry = call;
    cold.back = back;
    cold.functionIndex = functionIndex_;
    cold.where = where;
    coldPaths_.push_back(cold);
  }

  /** The cold paths' code (the closures of the TypeScript), after the body. */
  void emitColdPath(const ColdPath& cold) {
    X64Emitter& a = *a_;
    switch (cold.kind) {
      case ColdPath::SlowCheck:
        a.bind(cold.entry);
        a.movRR(64, R::Rdi, R::Rsp);
        // wasm_rt_check_slow_preserving preserves the general-purpose registers only.
        saveFloatHomes();
        callRuntime(runtime_.checkSlow);
        loadFloatHomes();
        a.jmp(cold.back);
        return;
      case ColdPath::CountDown:
        a.bind(cold.entry);
        saveFloatHomes();
        callTierUp(cold.functionIndex, cold.where);
        loadFloatHomes();
        a.jmp(cold.back);
        return;
      case ColdPath::Osr: {
        a.bind(cold.entry);
        // The float homes into their slots (the call clobbers them; and the slots are the
        // entry's buffer, which they stay in for a transfer).
        saveFloatHomes();
        Mem slots = callTierUp(cold.functionIndex, static_cast<int64_t>(cold.ordinal) + 1);
        loadFloatHomes();
        a.load(64, R::Rax, slots);
        a.aluRR(64, 0x85, R::Rax, R::Rax);
        a.jcc(Cond::E, cold.back);
        // The locals kept in registers into their slots: the slots are the entry's buffer.
        for (int i = 0; i < homeCount_; i++) a.store(64, localSlot(homeLocals_[i]), HOME_REGISTERS[i]);
        // The entry runs the rest of the call: its result is ours.
        a.movRR(64, R::Rdi, R::Rbx);
        a.lea(R::Rsi, cold.localsStart);
        a.movImm32(R::Rdx, cold.ordinal);
        a.callReg(R::Rax);
        a.jmp(epilogue_);
        return;
      }
    }
  }

  /**
   * wasm_rt_tier_up(vmctx + tierUpContext, slots = [functionIndex, where]), from a cold path
   * (emitted after the body, when the outgoing area's size is final); slot 0 holds its answer.
   */
  Mem callTierUp(uint32_t functionIndex, int64_t where) {
    X64Emitter& a = *a_;
    Mem slots = mem(R::Rsp, outgoingBytes_);
    a.movImm32(R::Rax, functionIndex);
    a.store(64, slots, R::Rax);
    // where | 0, Math.floor(where / 2 ** 32) (TIER_UP_FROM_LOOP is 2^32); `where` is never negative.
    a.movImm64(R::Rax, static_cast<int32_t>(static_cast<uint32_t>(where)), static_cast<int32_t>(where >> 32));
    a.store(64, mem(R::Rsp, slots.disp + 8), R::Rax);
    a.lea(R::Rdi, mem(R::Rbx, module_.offsets.tierUpContext));
    a.lea(R::Rsi, slots);
    callRuntime(runtime_.tierUp);
    return slots;
  }

  // ---- the vmctx layout (vmctx-layout.ts VmctxLayout's methods)

  int64_t typeId(int64_t typeIndex) const { return int64_t{module_.offsets.typeIds} + typeIndex * 8; }
  int64_t memoryDefinitionPointer(int64_t index) const { return int64_t{module_.offsets.memories} + index * 8; }
  int64_t tableDefinitionPointer(int64_t index) const { return int64_t{module_.offsets.tables} + index * 8; }
  bool isImportedGlobal(uint32_t index) const { return index < module_.importedGlobalCount; }
  int64_t importedGlobalPointer(int64_t index) const { return int64_t{module_.offsets.importedGlobals} + index * 8; }
  int64_t definedGlobalCell(int64_t index) const {
    return int64_t{module_.offsets.definedGlobals} + (index - module_.importedGlobalCount) * module_.offsets.globalCellBytes;
  }
  int64_t funcRef(int64_t index) const { return int64_t{module_.offsets.funcRefs} + index * 24; }
  int64_t tierCounter(int64_t index) const { return int64_t{module_.offsets.tierCounters} + (index - module_.importedFunctionCount) * 4; }
  int64_t osrFlag(int64_t index) const { return int64_t{module_.offsets.osrFlags} + (index - module_.importedFunctionCount) * 4; }

  // ---- operators

  void operatorAt(const Operator& op) {
    int code = op.opcode;
    int k = kKind.kind[code];
    if (!reachable_) {
      switch (k) {
        case K::Block:
        case K::Loop:
        case K::If: {
          ControlFrame frame;
          frame.kind = FrameKind::Block;
          frame.live = false;
          frame.base = height_;
          frames_.push_back(frame);
          return;
        }
        case K::Else:
          emitElse();
          return;
        case K::End:
          emitEnd();
          return;
        default:
          return;
      }
    }
    if (code >= 0x200) return decline("SIMD");
    switch (k) {
      case K::Nop:
        return;
      case K::Unreachable:
        a_->jmp(trap(TrapCode::Unreachable));
        reachable_ = false;
        return;
      case K::Block:
      case K::Loop:
      case K::If:
        emitBlockStart(k, op.blockType);
        return;
      case K::Else:
        emitElse();
        return;
      case K::End:
        emitEnd();
        return;
      case K::Br:
        spillAll();
        branch(op.index);
        reachable_ = false;
        return;
      case K::BrIf:
        emitBrIf(op.index);
        return;
      case K::BrTable:
        emitBrTable(op);
        return;
      case K::Return:
        returnTop();
        reachable_ = false;
        return;
      case K::Call:
        emitCall(op.index);
        return;
      case K::CallIndirect:
        emitCallIndirect(op.index, op.secondIndex);
        return;
      case K::Drop:
        free(pop());
        return;
      case K::Select:
      case K::SelectTyped:
        if (k == K::SelectTyped && op.valueType == kV128) return decline("v128");
        emitSelect();
        return;
      case K::LocalGet:
        emitLocalGet(op.index);
        return;
      case K::LocalSet:
        storeLocal(op.index, pop(), false);
        return;
      case K::LocalTee:
        storeLocal(op.index, pop(), true);
        return;
      case K::GlobalGet:
        emitGlobalGet(op.index);
        return;
      case K::GlobalSet:
        emitGlobalSet(op.index);
        return;
      case K::I32Const:
        pushConstant(kI32, op.i32, op.i32 >> 31);
        return;
      case K::I64Const:
        pushConstant(kI64, static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(op.i64))),
                     static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(op.i64) >> 32)));
        return;
      case K::F32Const:
        pushConstant(kF32, static_cast<int32_t>(op.f32Bits), 0);
        return;
      case K::F64Const:
        pushConstant(kF64, static_cast<int32_t>(op.f64Low), static_cast<int32_t>(op.f64High));
        return;
      case K::MemorySize: {
        int reg = allocateGpr();
        a_->load(64, reg, mem(R::Rbx, memoryDefinitionPointer(0)));
        a_->load(64, reg, mem(reg, kMemoryByteLength));
        a_->shiftImm(64, 5, reg, 16);
        pushRegister(kI32, reg);
        return;
      }
      case K::MemoryGrow: {
        Operand& delta = pop();
        spillAll();  // first: rsi may hold a stack value
        toFixedGpr(delta, R::Rsi);
        a_->load(64, R::Rdi, mem(R::Rbx, memoryDefinitionPointer(0)));
        saveFloatHomes();
        callRuntime(runtime_.memoryGrow);
        loadFloatHomes();
        int reg = allocateGpr();
        a_->movRR(32, reg, R::Rax);
        pushRegister(kI32, reg);
        return;
      }
      case K::RefNull:
        pushConstant(static_cast<uint8_t>(op.valueType), 0, 0);
        return;
      case K::RefIsNull: {
        Operand& operand = pop();
        int reg = inGpr(operand);
        a_->aluRR(64, 0x85, reg, reg);
        setBoolean(Cond::E, reg);
        return;
      }
      case K::RefFunc: {
        int reg = allocateGpr();
        a_->lea(reg, mem(R::Rbx, funcRef(op.index)));
        pushRegister(kFuncRef, reg);
        return;
      }
      default:
        break;
    }
    if (memoryAccess(op)) return;
    if (integerOperator(k)) return;
    if (floatOperator(k)) return;
    if (conversion(k)) return;
    decline("operator not taken");
  }

  /** `reg` ← (cond ? 1 : 0), pushed as an i32 (reg is reserved). */
  void setBoolean(int cond, int reg) {
    a_->setcc(cond, reg);
    a_->extendReg(32, reg, reg, 8, false);
    pushRegister(kI32, reg);
  }

  // ---- variables

  void emitLocalGet(uint32_t index) {
    if (index >= localTypes_.size()) return internalError("local index out of range");
    uint8_t type = localTypes_[index];
    int homeRegister = home(index);
    int floatHomeRegister = floatHome(index);
    if (homeRegister >= 0) {
      // A copy: the home register itself on the stack would change with a later local.set.
      int reg = allocateGpr();
      a_->movRR(isWide(type) ? 64 : 32, reg, homeRegister);
      pushRegister(type, reg);
    } else if (floatHomeRegister >= 0) {
      int reg = allocateXmm();
      a_->movXmm(reg, floatHomeRegister);
      pushRegister(type, reg);
    } else if (isFloat(type)) {
      int reg = allocateXmm();
      a_->loadXmm(true, reg, localSlot(index));
      pushRegister(type, reg);
    } else {
      int reg = allocateGpr();
      a_->load(isWide(type) ? 64 : 32, reg, localSlot(index));
      pushRegister(type, reg);
    }
  }

  void storeLocal(uint32_t index, Operand& value, bool keep) {
    X64Emitter& a = *a_;
    int homeRegister = home(index);
    int floatHomeRegister = floatHome(index);
    Mem s = localSlot(index);
    if (floatHomeRegister >= 0) {
      // Bit-exact copies (movaps, movss/movsd, movd/movq): a NaN keeps its payload.
      if (value.where == Where::Constant) {
        a.movImm64(R::Rax, value.lo, value.type == kF64 ? value.hi : 0);
        a.movToXmm(value.type == kF64 ? 64 : 32, floatHomeRegister, R::Rax);
      } else if (value.where == Where::Slot && !keep) {
        a.loadXmm(true, floatHomeRegister, value.slot);
      } else {
        int reg = inXmm(value);
        a.movXmm(floatHomeRegister, reg);
      }
    } else if (homeRegister >= 0) {
      // An i32 stays zero-extended in its home (as in every register).
      if (value.where == Where::Constant) {
        if (isWide(value.type)) a.movImm64(homeRegister, value.lo, value.hi);
        else a.movImm32(homeRegister, value.lo);
      } else if (value.where == Where::Slot && !keep) {
        a.load(isWide(value.type) ? 64 : 32, homeRegister, value.slot);
      } else {
        int reg = inGpr(value);
        a.movRR(64, homeRegister, reg);
      }
    } else if (value.where == Where::Constant && fitsImm32(value.type, value.lo, value.hi)) {
      a.storeImm(64, s, value.lo);
    } else if (isFloat(value.type)) {
      int reg = inXmm(value);
      a.storeXmm(true, s, reg);
    } else {
      int reg = inGpr(value);
      a.store(64, s, reg);
    }
    if (!keep) {
      free(value);
      return;
    }
    if (value.where == Where::Constant) pushConstant(value.type, value.lo, value.hi);
    else pushRegister(value.type, value.reg);
  }

  /** The global's type; 0 after a decline or an error. */
  uint8_t globalType(uint32_t index) {
    if (index >= module_.globalTypes.size()) {
      internalError("global index out of range");
      return 0;
    }
    uint8_t type = module_.globalTypes[index];
    if (type == kV128) {
      decline("v128 global");
      return 0;
    }
    return type;
  }

  /** The global's cell; rcx holds the cell's address for an imported one. */
  Mem globalCell(uint32_t index) {
    if (!isImportedGlobal(index)) return mem(R::Rbx, definedGlobalCell(index));
    a_->load(64, R::Rcx, mem(R::Rbx, importedGlobalPointer(index)));
    return mem(R::Rcx, 0);
  }

  void emitGlobalGet(uint32_t index) {
    uint8_t type = globalType(index);
    if (failed()) return;
    if (isFloat(type)) {
      int reg = allocateXmm();
      Mem cell = globalCell(index);
      a_->loadXmm(type == kF64, reg, cell);
      pushRegister(type, reg);
    } else {
      int reg = allocateGpr();
      Mem cell = globalCell(index);
      a_->load(isWide(type) ? 64 : 32, reg, cell);
      pushRegister(type, reg);
    }
  }

  void emitGlobalSet(uint32_t index) {
    uint8_t type = globalType(index);
    if (failed()) return;
    Operand& value = pop();
    if (isFloat(type)) {
      int reg = inXmm(value);
      Mem cell = globalCell(index);
      a_->storeXmm(type == kF64, cell, reg);
    } else {
      int reg = inGpr(value);
      Mem cell = globalCell(index);
      a_->store(isWide(type) ? 64 : 32, cell, reg);
    }
    free(value);
  }

  void emitSelect() {
    X64Emitter& a = *a_;
    Operand& condition = pop();
    Operand& second = pop();
    Operand& first = pop();
    int c = inGpr(condition);
    if (isFloat(first.type)) {
      int x = inXmm(first);
      int y = inXmm(second);
      Label keep = a.newLabel();
      a.aluRR(32, 0x85, c, c);
      a.jcc(Cond::NE, keep);
      a.movXmm(x, y);
      a.bind(keep);
      pushRegister(first.type, x);
    } else {
      int x = inGpr(first);
      int y = inGpr(second);
      a.aluRR(32, 0x85, c, c);
      a.cmov(64, Cond::E, x, y);
      pushRegister(first.type, x);
    }
    free(second);
    free(condition);
  }

  // ---- control

  /** A block type's parameter count and result types; declines v128 and several results. */
  BlockTypes blockTypes(int64_t blockType) {
    BlockTypes types;
    if (blockType < 0) {
      int64_t byte = blockType + 0x80;
      if (byte == 0x40) return types;
      if (byte == kI32 || byte == kI64 || byte == kF32 || byte == kF64 || byte == kFuncRef || byte == kExternRef) {
        types.resultCount = 1;
        types.resultType = static_cast<uint8_t>(byte);
        return types;
      }
      decline("v128 block");
      return types;
    }
    if (static_cast<uint64_t>(blockType) >= module_.types.size()) {
      internalError("block type index out of range");
      return types;
    }
    const FuncType& type = module_.types[blockType];
    if (contains(type.params, kV128) || contains(type.results, kV128)) {
      decline("v128 block");
      return types;
    }
    if (type.results.size() > 1) {
      decline("block with several results");
      return types;
    }
    types.params = static_cast<int32_t>(type.params.size());
    types.resultCount = static_cast<int32_t>(type.results.size());
    types.resultType = type.results.empty() ? 0 : type.results[0];
    return types;
  }

  int enclosingLoops() const {
    int loops = 0;
    for (const ControlFrame& frame : frames_)
      if (frame.kind == FrameKind::Loop) loops++;
    return loops;
  }

  void emitBlockStart(int code, int64_t blockType) {
    X64Emitter& a = *a_;
    BlockTypes types = blockTypes(blockType);
    if (failed()) return;
    ControlFrame frame;
    frame.live = true;
    frame.params = types.params;
    frame.resultCount = types.resultCount;
    frame.resultType = types.resultType;
    if (code == K::If) {
      if (types.params != 0) return decline("if with parameters");
      Operand& condition = pop();
      int c = inGpr(condition);
      spillAll();
      a.aluRR(32, 0x85, c, c);
      free(condition);
      openIf(types, Cond::NE);
      return;
    }
    if (code == K::Block) {
      frame.kind = FrameKind::Block;
      frame.base = height_ - types.params;
      frame.label = a.newLabel();
      frames_.push_back(frame);
      return;
    }
    // Loop: ordinal and OSR candidacy as the LLVM translator gives them (emit-control.ts).
    int32_t ordinal = loopOrdinal_++;
    bool candidate = types.params == 0 && height_ == 0 && enclosingLoops() == 0;
    spillAll();
    Label header = a.newLabel();
    frame.kind = FrameKind::Loop;
    frame.base = height_ - types.params;
    frame.label = header;
    frames_.push_back(frame);
    a.bind(header);
    interruptPoll();
    if (module_.tiered) {
      countDown(TIER_UP_FROM_LOOP);
      if (candidate) osrCheck(ordinal);
    }
  }

  /** An `if` on the flags (the stack already in its slots): its arm runs when `cond` holds, else it jumps to the else-label. */
  void openIf(const BlockTypes& types, int cond) {
    X64Emitter& a = *a_;
    Label elseLabel = a.newLabel();
    a.jcc(cond ^ 1, elseLabel);
    ControlFrame frame;
    frame.live = true;
    frame.params = 0;
    frame.resultCount = types.resultCount;
    frame.resultType = types.resultType;
    frame.kind = FrameKind::If;
    frame.base = height_;
    frame.label = a.newLabel();
    frame.elseLabel = elseLabel;
    frames_.push_back(frame);
  }

  /** Tiered, at a candidate loop's header: the OSR countdown, and when due the transfer (emit-osr.ts). */
  void osrCheck(int32_t ordinal) {
    if (osrCandidates_ != nullptr) {
      osrCandidates_->push_back(functionIndex_);
      osrCandidates_->push_back(static_cast<uint32_t>(ordinal));
    }
    X64Emitter& a = *a_;
    Mem flag = mem(R::Rbx, osrFlag(functionIndex_));
    Label due = a.newLabel();
    Label back = a.newLabel();
    // 0 is off; otherwise count down, and check when it reaches 0.
    a.load(32, R::Rax, flag);
    a.aluRR(32, 0x85, R::Rax, R::Rax);
    a.jcc(Cond::E, back);
    a.aluMI(32, 5, flag, 1);
    a.jcc(Cond::E, due);
    a.bind(back);
    ColdPath cold{};
    cold.kind = ColdPath::Osr;
    cold.entry = due;
    cold.back = back;
    cold.functionIndex = functionIndex_;
    cold.ordinal = ordinal;
    cold.localsStart = localSlot(0);
    coldPaths_.push_back(cold);
  }

  void emitElse() {
    if (frames_.empty()) return internalError("else without a frame");
    ControlFrame& frame = frames_.back();
    if (!frame.live) return;
    X64Emitter& a = *a_;
    if (reachable_) {
      spillAll();
      a.jmp(frame.label);
      frame.branched = true;
    }
    height_ = frame.base + frame.params;
    a.bind(frame.elseLabel);
    frame.elseLabel = -1;
    frame.kind = FrameKind::Else;
    reachable_ = true;
  }

  void emitEnd() {
    if (frames_.empty()) return internalError("end without a frame");
    ControlFrame frame = frames_.back();
    frames_.pop_back();
    if (!frame.live) return;
    X64Emitter& a = *a_;
    switch (frame.kind) {
      case FrameKind::Function:
        if (reachable_) returnTop();
        reachable_ = false;
        return;
      case FrameKind::Loop:
        if (!reachable_) height_ = frame.base;
        return;
      case FrameKind::If:
        // No else-arm: the false edge reaches the end (with no values: no parameters here).
        if (reachable_) spillAll();
        height_ = frame.base;
        a.bind(frame.elseLabel);
        pushMerged(frame);
        reachable_ = true;
        return;
      default:
        break;
    }
    if (!frame.branched) {
      // Only the fallthrough reaches the end: the values stay where they are.
      if (!reachable_) height_ = frame.base;
      return;
    }
    if (reachable_) spillAll();
    height_ = frame.base;
    a.bind(frame.label);
    pushMerged(frame);
    reachable_ = true;
  }

  /** At a label: the frame's results, in their slots. */
  void pushMerged(const ControlFrame& frame) {
    if (frame.resultCount == 1) pushSlot(frame.resultType);
    if (frame.kind != FrameKind::If || !frame.branched) return;
    a_->bind(frame.label);  // an if without else whose then-arm branched to its end
  }

  /** Moves the top `count` values (in slots) to the slots from `base` on (a branch's values). */
  void moveValues(int32_t count, int32_t base) {
    int32_t from = height_ - count;
    if (from == base) return;
    for (int32_t i = 0; i < count; i++) {
      a_->load(64, R::Rax, slot(from + i));
      a_->store(64, slot(base + i), R::Rax);
    }
  }

  /** The frame `depth` labels out (a dummy frame, with an error, if there is none). */
  ControlFrame& target(uint32_t depth) {
    if (depth >= frames_.size()) {
      internalError("branch depth out of range");
      dummyFrame_ = ControlFrame();
      dummyFrame_.kind = FrameKind::Block;
      return dummyFrame_;
    }
    return frames_[frames_.size() - 1 - depth];
  }

  static int32_t arity(const ControlFrame& frame) { return frame.kind == FrameKind::Loop ? frame.params : frame.resultCount; }

  /** Values and jump for `br depth`, the stack already in its slots (the caller decides what is reachable after). */
  void branch(uint32_t depth) {
    ControlFrame& frame = target(depth);
    if (frame.kind == FrameKind::Function) {
      returnTop();
      return;
    }
    moveValues(arity(frame), frame.base);
    if (frame.kind != FrameKind::Loop) frame.branched = true;
    a_->jmp(frame.label);
  }

  void emitBrIf(uint32_t depth) {
    Operand& condition = pop();
    int c = inGpr(condition);
    spillAll();
    a_->aluRR(32, 0x85, c, c);
    free(condition);
    branchIf(depth, Cond::NE);
  }

  /** `br_if depth` on the flags, taken when `cond` holds (the stack already in its slots). */
  void branchIf(uint32_t depth, int cond) {
    X64Emitter& a = *a_;
    ControlFrame& frame = target(depth);
    int32_t count = arity(frame);
    if (frame.kind != FrameKind::Function && (count == 0 || height_ - count == frame.base)) {
      if (frame.kind != FrameKind::Loop) frame.branched = true;
      a.jcc(cond, frame.label);
      return;
    }
    Label skip = a.newLabel();
    a.jcc(cond ^ 1, skip);
    branch(depth);
    a.bind(skip);
  }

  /** Whether the operator after the current one is br_if or if (a comparison then jumps on its flags). */
  bool branchFollows() const {
    if (reader_ == nullptr) return false;
    int next = reader_->peekByte();
    return next == kOpBrIf || next == kOpIf;
  }

  /**
   * The br_if or if that follows a comparison (branchFollows), read here and compiled on the
   * comparison's flags — taken (or its arm run) when `cond` holds — instead of on a boolean.
   * Only stores come between the comparison and the jump (spills: mov leaves the flags).
   */
  void fuseBranch(int cond) {
    Operator& op = operator_;
    reader_->read(op);
    if (reader_->failed()) return internalError(reader_->error());
    if (op.opcode == kOpIf) {
      BlockTypes types = blockTypes(op.blockType);
      if (failed()) return;
      if (types.params != 0) return decline("if with parameters");
      spillAll();
      openIf(types, cond);
      return;
    }
    spillAll();
    branchIf(op.index, cond);
  }

  void emitBrTable(const Operator& op) {
    X64Emitter& a = *a_;
    uint32_t count = op.brTableCount;
    if (count > op.brTableTargets.size()) return internalError("br_table targets missing");
    uint32_t defaultDepth = op.index;
    Operand& index = pop();
    toFixedGpr(index, R::Rax);
    spillAll();
    // Each target: straight to its label when no values move, else through a stub.
    std::vector<std::pair<Label, uint32_t>> stubs;
    std::vector<Label> resolved(frames_.size(), -1);  // by depth
    auto resolve = [&](uint32_t depth) -> Label {
      if (depth >= resolved.size()) {
        internalError("branch depth out of range");
        return 0;
      }
      Label label = resolved[depth];
      if (label == -1) {
        ControlFrame& frame = target(depth);
        int32_t frameArity = arity(frame);
        if (frame.kind != FrameKind::Function && (frameArity == 0 || height_ - frameArity == frame.base)) {
          if (frame.kind != FrameKind::Loop) frame.branched = true;
          label = frame.label;
        } else {
          label = a.newLabel();
          stubs.emplace_back(label, depth);
        }
        resolved[depth] = label;
      }
      return label;
    };
    Label defaultLabel = resolve(defaultDepth);
    a.aluRI(32, 7, R::Rax, count);  // cmp eax, count (the index is zero-extended)
    a.jcc(Cond::AE, defaultLabel);
    if (count > 0) {
      Label table = a.newLabel();
      a.leaRip(R::Rcx, table);
      a.opMem(0, true, 0x63, R::Rax, mem(R::Rcx, 0, R::Rax, 4));  // movsxd rax, [rcx + rax*4]
      a.aluRR(64, 0x01, R::Rax, R::Rcx);
      a.jmpReg(R::Rax);
      a.align(4);
      a.bind(table);
      uint32_t tableStart = a.length();
      for (uint32_t i = 0; i < count; i++) {
        Label label = resolve(op.brTableTargets[i]);
        a.tableEntry(label, tableStart);
      }
    }
    for (size_t i = 0; i < stubs.size(); i++) {
      a.bind(stubs[i].first);
      branch(stubs[i].second);
    }
    reachable_ = false;
  }

  /** The function's result (the top of the stack) into rax/xmm0, then the epilogue. */
  void returnTop() {
    if (signature_->results.size() == 1) {
      Operand& value = pop();
      if (isFloat(value.type)) {
        int reg = inXmm(value);
        a_->movXmm(0, reg);
      } else {
        toFixedGpr(value, R::Rax);
      }
      free(value);
      height_++;  // the value stays on the (now unreachable) stack for what follows
    }
    a_->jmp(epilogue_);
  }

  // ---- calls

  /** Arguments from the top `type.params.size()` slots (spilled) into registers and the outgoing area; pops them. */
  void passArguments(const FuncType& type) {
    X64Emitter& a = *a_;
    const std::vector<uint8_t>& params = type.params;
    int32_t first = height_ - static_cast<int32_t>(params.size());
    int intIndex = 0;
    int floatIndex = 0;
    int64_t stackIndex = 0;
    for (size_t i = 0; i < params.size(); i++) {
      Mem s = slot(first + static_cast<int64_t>(i));
      if (isFloat(params[i])) {
        if (floatIndex < FLOAT_ARGUMENT_REGISTERS) {
          a.loadXmm(true, floatIndex++, s);
          continue;
        }
      } else if (intIndex < INT_ARGUMENT_REGISTER_COUNT) {
        a.load(64, INT_ARGUMENT_REGISTERS[intIndex++], s);
        continue;
      }
      a.load(64, R::Rax, s);
      a.store(64, mem(R::Rsp, 8 * stackIndex++), R::Rax);
    }
    if (8 * stackIndex > outgoingBytes_) outgoingBytes_ = 8 * stackIndex;
    height_ = first;
  }

  void checkCallType(const FuncType& type) {
    if (type.results.size() > 1) return decline("several results");
    if (contains(type.params, kV128)) return decline("v128");
    if (contains(type.results, kV128)) return decline("v128");
  }

  /** The call's result (rax or xmm0) onto the stack, in a register. */
  void pushResult(const FuncType& type) {
    if (type.results.empty()) return;
    uint8_t result = type.results[0];
    if (isFloat(result)) {
      int reg = allocateXmm();
      a_->movXmm(reg, 0);
      pushRegister(result, reg);
    } else {
      int reg = allocateGpr();
      a_->movRR(isWide(result) ? 64 : 32, reg, R::Rax);
      pushRegister(result, reg);
    }
  }

  void emitCall(uint32_t functionIndex) {
    if (functionIndex >= module_.functionTypeIndices.size() || module_.functionTypeIndices[functionIndex] >= module_.types.size()) {
      return internalError("call of a function out of range");
    }
    const FuncType& type = module_.types[module_.functionTypeIndices[functionIndex]];
    checkCallType(type);
    if (failed()) return;
    spillAll();
    passArguments(type);
    X64Emitter& a = *a_;
    int64_t ref = funcRef(functionIndex);
    a.load(64, R::Rax, mem(R::Rbx, ref + kFuncRefCode));
    a.load(64, R::Rdi, mem(R::Rbx, ref + kFuncRefVmctx));
    saveFloatHomes();
    a.callReg(R::Rax);
    loadFloatHomes();
    pushResult(type);
  }

  void emitCallIndirect(uint32_t typeIndex, uint32_t tableIndex) {
    if (typeIndex >= module_.types.size()) return internalError("call_indirect of a type out of range");
    const FuncType& type = module_.types[typeIndex];
    checkCallType(type);
    if (failed()) return;
    X64Emitter& a = *a_;
    Operand& index = pop();
    toFixedGpr(index, R::Rax);
    spillAll();
    // The callee's FuncRef into r10 (no argument register), with the checks of emit-call.ts.
    a.load(64, R::Rcx, mem(R::Rbx, tableDefinitionPointer(tableIndex)));
    a.aluRM(64, 0x3b, R::Rax, mem(R::Rcx, kTableLength));  // cmp rax, length
    a.jcc(Cond::AE, trap(TrapCode::UndefinedElement));
    a.load(64, R::Rcx, mem(R::Rcx, kTableElements));
    a.load(64, R::R10, mem(R::Rcx, 0, R::Rax, 8));
    a.aluRR(64, 0x85, R::R10, R::R10);
    a.jcc(Cond::E, trap(TrapCode::UninitializedElement));
    a.load(64, R::Rax, mem(R::Rbx, typeId(typeIndex)));
    a.aluRM(64, 0x3b, R::Rax, mem(R::R10, kFuncRefTypeId));
    a.jcc(Cond::NE, trap(TrapCode::IndirectCallTypeMismatch));
    passArguments(type);
    a.load(64, R::Rdi, mem(R::R10, kFuncRefVmctx));
    a.load(64, R::Rax, mem(R::R10, kFuncRefCode));
    saveFloatHomes();
    a.callReg(R::Rax);
    loadFloatHomes();
    pushResult(type);
  }

  // ---- memory

  /** The effective address of an access at `address` + `offset` (memory 0). */
  Mem effectiveAddress(Operand& address, uint32_t offset) {
    if (address.where == Where::Constant) {
      int64_t total = static_cast<int64_t>(static_cast<uint32_t>(address.lo)) + offset;
      if (total <= 0x7fffffff) return mem(R::R12, total);
    }
    int reg = inGpr(address);
    if (offset <= 0x7fffffffu) return mem(R::R12, offset, reg, 1);
    a_->movImm32(R::Rcx, offset);
    a_->aluRR(64, 0x01, R::Rcx, reg);
    return mem(R::R12, 0, R::Rcx, 1);
  }

  bool memoryAccess(const Operator& op) {
    X64Emitter& a = *a_;
    int k = kKind.kind[op.opcode];
    uint32_t offset = op.memoryOffset;
    int bits;
    bool isSigned = false;
    uint8_t type;
    switch (k) {
      case K::I32Load: bits = 32; type = kI32; break;
      case K::F32Load: bits = 32; type = kF32; break;
      case K::I64Load: bits = 64; type = kI64; break;
      case K::F64Load: bits = 64; type = kF64; break;
      case K::I32Load8S: bits = 8; isSigned = true; type = kI32; break;
      case K::I32Load8U: bits = 8; type = kI32; break;
      case K::I32Load16S: bits = 16; isSigned = true; type = kI32; break;
      case K::I32Load16U: bits = 16; type = kI32; break;
      case K::I64Load8S: bits = 8; isSigned = true; type = kI64; break;
      case K::I64Load8U: bits = 8; type = kI64; break;
      case K::I64Load16S: bits = 16; isSigned = true; type = kI64; break;
      case K::I64Load16U: bits = 16; type = kI64; break;
      case K::I64Load32S: bits = 32; isSigned = true; type = kI64; break;
      case K::I64Load32U: bits = 32; type = kI64; break;
      case K::I32Store: case K::I64Store32: storeTo(32, offset); return true;
      case K::F32Store: storeTo(32, offset); return true;
      case K::I64Store: case K::F64Store: storeTo(64, offset); return true;
      case K::I32Store8: case K::I64Store8: storeTo(8, offset); return true;
      case K::I32Store16: case K::I64Store16: storeTo(16, offset); return true;
      default: return false;
    }
    Operand& address = pop();
    Mem m = effectiveAddress(address, offset);
    if (isFloat(type)) {
      int reg = allocateXmm();
      a.loadXmm(type == kF64, reg, m);
      free(address);
      pushRegister(type, reg);
      return true;
    }
    // The address register becomes the result's (it is read before it is written).
    int reg = address.where == Where::Register ? address.reg : allocateGpr();
    if (bits == 64) a.load(64, reg, m);
    else if (bits == 32 && !isSigned) a.load(32, reg, m);
    else a.loadExtend(type == kI64 ? 64 : 32, reg, m, bits, isSigned);
    pushRegister(type, reg);
    return true;
  }

  void storeTo(int bits, uint32_t offset) {
    X64Emitter& a = *a_;
    Operand& value = pop();
    Operand& address = pop();
    if (value.where == Where::Constant && (bits < 64 || fitsImm32(value.type, value.lo, value.hi))) {
      Mem m = effectiveAddress(address, offset);
      int32_t imm = value.lo;
      if (bits == 8) {
        a.opMem(0, false, 0xc6, 0, m);
        a.byte(imm);
      } else if (bits == 16) {
        a.opMem(0x66, false, 0xc7, 0, m);
        a.byte(imm);
        a.byte(imm >> 8);
      } else {
        a.storeImm(bits, m, imm);
      }
    } else if (isFloat(value.type)) {
      int reg = inXmm(value);
      Mem m = effectiveAddress(address, offset);
      a.storeXmm(value.type == kF64, m, reg);
    } else {
      int reg = inGpr(value);
      Mem m = effectiveAddress(address, offset);
      a.store(bits, m, reg);
    }
    free(value);
    free(address);
  }

  // ---- integer operators

  /** Binary ALU operators: opcode of the (r/m, r) form and the /digit of the immediate form. */
  void alu(uint8_t type, int opcode, int digit) {
    X64Emitter& a = *a_;
    int w = type == kI64 ? 64 : 32;
    Operand& rhs = pop();
    Operand& lhs = pop();
    int x = inGpr(lhs);
    if (rhs.where == Where::Constant && fitsImm32(type, rhs.lo, rhs.hi)) {
      a.aluRI(w, digit, x, rhs.lo);
    } else if (rhs.where == Where::Slot) {
      a.aluRM(w, opcode + 2, x, rhs.slot);
    } else {
      int y = inGpr(rhs);
      a.aluRR(w, opcode, x, y);
    }
    free(rhs);
    pushRegister(type, x);
  }

  void compare(int w, int cond) {
    X64Emitter& a = *a_;
    Operand& rhs = pop();
    Operand& lhs = pop();
    int x = inGpr(lhs);
    if (rhs.where == Where::Constant && fitsImm32(rhs.type, rhs.lo, rhs.hi)) {
      a.aluRI(w, 7, x, rhs.lo);
    } else if (rhs.where == Where::Slot) {
      a.aluRM(w, 0x3b, x, rhs.slot);
    } else {
      int y = inGpr(rhs);
      a.aluRR(w, 0x39, x, y);
    }
    free(rhs);
    if (branchFollows()) {
      free(lhs);
      fuseBranch(cond);
    } else {
      setBoolean(cond, x);
    }
  }

  void shift(uint8_t type, int digit) {
    X64Emitter& a = *a_;
    int w = type == kI64 ? 64 : 32;
    Operand& rhs = pop();
    Operand& lhs = pop();
    int x = inGpr(lhs);
    if (rhs.where == Where::Constant) {
      a.shiftImm(w, digit, x, rhs.lo & (w - 1));
    } else {
      toFixedGpr(rhs, R::Rcx);
      a.shiftCl(w, digit, x);
    }
    free(rhs);
    pushRegister(type, x);
  }

  void count(uint8_t type, int opcode) {
    Operand& operand = pop();
    int x = inGpr(operand);
    a_->bitCount(type == kI64 ? 64 : 32, opcode, x, x);
    pushRegister(type, x);
  }

  bool integerOperator(int code) {
    X64Emitter& a = *a_;
    switch (code) {
      case K::I32Eqz: case K::I64Eqz: {
        Operand& operand = pop();
        int x = inGpr(operand);
        a.aluRR(code == K::I64Eqz ? 64 : 32, 0x85, x, x);
        if (branchFollows()) {
          free(operand);
          fuseBranch(Cond::E);
        } else {
          setBoolean(Cond::E, x);
        }
        return true;
      }
      case K::I32Eq: compare(32, Cond::E); return true;
      case K::I32Ne: compare(32, Cond::NE); return true;
      case K::I32LtS: compare(32, Cond::L); return true;
      case K::I32LtU: compare(32, Cond::B); return true;
      case K::I32GtS: compare(32, Cond::G); return true;
      case K::I32GtU: compare(32, Cond::A); return true;
      case K::I32LeS: compare(32, Cond::LE); return true;
      case K::I32LeU: compare(32, Cond::BE); return true;
      case K::I32GeS: compare(32, Cond::GE); return true;
      case K::I32GeU: compare(32, Cond::AE); return true;
      case K::I64Eq: compare(64, Cond::E); return true;
      case K::I64Ne: compare(64, Cond::NE); return true;
      case K::I64LtS: compare(64, Cond::L); return true;
      case K::I64LtU: compare(64, Cond::B); return true;
      case K::I64GtS: compare(64, Cond::G); return true;
      case K::I64GtU: compare(64, Cond::A); return true;
      case K::I64LeS: compare(64, Cond::LE); return true;
      case K::I64LeU: compare(64, Cond::BE); return true;
      case K::I64GeS: compare(64, Cond::GE); return true;
      case K::I64GeU: compare(64, Cond::AE); return true;
      case K::I32Clz: count(kI32, 0xbd); return true;
      case K::I32Ctz: count(kI32, 0xbc); return true;
      case K::I32Popcnt: count(kI32, 0xb8); return true;
      case K::I64Clz: count(kI64, 0xbd); return true;
      case K::I64Ctz: count(kI64, 0xbc); return true;
      case K::I64Popcnt: count(kI64, 0xb8); return true;
      case K::I32Add: alu(kI32, 0x01, 0); return true;
      case K::I32Sub: alu(kI32, 0x29, 5); return true;
      case K::I32And: alu(kI32, 0x21, 4); return true;
      case K::I32Or: alu(kI32, 0x09, 1); return true;
      case K::I32Xor: alu(kI32, 0x31, 6); return true;
      case K::I64Add: alu(kI64, 0x01, 0); return true;
      case K::I64Sub: alu(kI64, 0x29, 5); return true;
      case K::I64And: alu(kI64, 0x21, 4); return true;
      case K::I64Or: alu(kI64, 0x09, 1); return true;
      case K::I64Xor: alu(kI64, 0x31, 6); return true;
      case K::I32Mul: case K::I64Mul: {
        uint8_t type = code == K::I64Mul ? kI64 : kI32;
        int w = type == kI64 ? 64 : 32;
        Operand& rhs = pop();
        Operand& lhs = pop();
        int x = inGpr(lhs);
        if (rhs.where == Where::Slot) {
          a.opMem(0, w == 64, 0xfaf, x, rhs.slot);
        } else {
          int y = inGpr(rhs);
          a.imulRR(w, x, y);
        }
        free(rhs);
        pushRegister(type, x);
        return true;
      }
      case K::I32Shl: shift(kI32, 4); return true;
      case K::I32ShrS: shift(kI32, 7); return true;
      case K::I32ShrU: shift(kI32, 5); return true;
      case K::I32Rotl: shift(kI32, 0); return true;
      case K::I32Rotr: shift(kI32, 1); return true;
      case K::I64Shl: shift(kI64, 4); return true;
      case K::I64ShrS: shift(kI64, 7); return true;
      case K::I64ShrU: shift(kI64, 5); return true;
      case K::I64Rotl: shift(kI64, 0); return true;
      case K::I64Rotr: shift(kI64, 1); return true;
      case K::I32DivS: divide(kI32, true, false); return true;
      case K::I32DivU: divide(kI32, false, false); return true;
      case K::I32RemS: divide(kI32, true, true); return true;
      case K::I32RemU: divide(kI32, false, true); return true;
      case K::I64DivS: divide(kI64, true, false); return true;
      case K::I64DivU: divide(kI64, false, false); return true;
      case K::I64RemS: divide(kI64, true, true); return true;
      case K::I64RemU: divide(kI64, false, true); return true;
      case K::I32Extend8S: case K::I32Extend16S: {
        Operand& operand = pop();
        int x = inGpr(operand);
        a.extendReg(32, x, x, code == K::I32Extend8S ? 8 : 16, true);
        pushRegister(kI32, x);
        return true;
      }
      case K::I64Extend8S: case K::I64Extend16S: case K::I64Extend32S: case K::I64ExtendI32S: {
        Operand& operand = pop();
        int x = inGpr(operand);
        a.extendReg(64, x, x, code == K::I64Extend8S ? 8 : code == K::I64Extend16S ? 16 : 32, true);
        pushRegister(kI64, x);
        return true;
      }
      case K::I64ExtendI32U: {
        // An i32 in a register is zero-extended already; a slot's high half is undefined.
        Operand& operand = pop();
        if (operand.where == Where::Constant) pushConstant(kI64, operand.lo, 0);
        else pushRegister(kI64, inGpr(operand));
        return true;
      }
      case K::I32WrapI64:
        retype(kI32, false);
        return true;
      case K::I32ReinterpretF32:
        retype(kI32, true);
        return true;
      case K::F32ReinterpretI32:
        retype(kF32, true);
        return true;
      case K::I64ReinterpretF64:
        retype(kI64, true);
        return true;
      case K::F64ReinterpretI64:
        retype(kF64, true);
        return true;
      default:
        return false;
    }
  }

  /**
   * The top value as another type with the same bits (reinterpretations and wrap):
   * a slot or constant is only relabelled; a register moves to the other file for a
   * reinterpretation, and i32.wrap_i64 zero-extends its register (the i32 invariant).
   */
  void retype(uint8_t type, bool otherFile) {
    Operand& operand = pop();
    if (operand.where == Where::Slot) {
      pushSlot(type);
      return;
    }
    if (operand.where == Where::Constant) {
      if (type == kI32) pushConstant(type, operand.lo, operand.lo >> 31);
      else if (type == kF32) pushConstant(type, operand.lo, 0);
      else pushConstant(type, operand.lo, operand.hi);
      return;
    }
    int w = isWide(type) ? 64 : 32;
    if (!otherFile) {
      if (type == kI32) a_->movRR(32, operand.reg, operand.reg);
      pushRegister(type, operand.reg);
      return;
    }
    if (isFloat(type)) {
      int x = allocateXmm();
      a_->movToXmm(w, x, operand.reg);
      free(operand);
      pushRegister(type, x);
    } else {
      int reg = allocateGpr();
      a_->movFromXmm(w, reg, operand.reg);
      free(operand);
      pushRegister(type, reg);
    }
  }

  /** div/rem with wasm's traps: zero divisor; INT_MIN / -1 overflows, INT_MIN % -1 is 0. */
  void divide(uint8_t type, bool isSigned, bool remainder) {
    X64Emitter& a = *a_;
    int w = type == kI64 ? 64 : 32;
    Operand& rhs = pop();
    Operand& lhs = pop();
    int x = inGpr(lhs);
    toFixedGpr(rhs, R::Rcx);
    a.aluRR(w, 0x85, R::Rcx, R::Rcx);
    a.jcc(Cond::E, trap(TrapCode::IntegerDivideByZero));
    a.movRR(w, R::Rax, x);
    Label done = a.newLabel();
    if (isSigned) {
      Label normal = a.newLabel();
      a.aluRI(w, 7, R::Rcx, -1);
      a.jcc(Cond::NE, normal);
      if (remainder) {
        a.aluRR(32, 0x31, R::Rdx, R::Rdx);  // x % -1 = 0
      } else {
        // x / -1 = -x, which overflows exactly for INT_MIN.
        a.unaryF7(w, 3, R::Rax);
        a.jcc(Cond::O, trap(TrapCode::IntegerOverflow));
      }
      a.jmp(done);
      a.bind(normal);
      a.signExtendAxToDx(w);
      a.unaryF7(w, 7, R::Rcx);
    } else {
      a.aluRR(32, 0x31, R::Rdx, R::Rdx);
      a.unaryF7(w, 6, R::Rcx);
    }
    a.bind(done);
    a.movRR(w, x, remainder ? R::Rdx : R::Rax);
    pushRegister(type, x);
  }

  // ---- float operators

  void binary(uint8_t type, int opcode) {
    bool isDouble = type == kF64;
    Operand& rhs = pop();
    Operand& lhs = pop();
    int x = inXmm(lhs);
    if (rhs.where == Where::Slot) {
      a_->sseRM(isDouble, opcode, x, rhs.slot);
    } else {
      int y = inXmm(rhs);
      a_->sseRR(isDouble, opcode, x, y);
    }
    free(rhs);
    pushRegister(type, x);
  }

  /** sqrt (opcode 0x51) or round (mode) in place. */
  void unary(uint8_t type, bool isRound, int opcodeOrMode) {
    Operand& operand = pop();
    int x = inXmm(operand);
    if (isRound) a_->round(type == kF64, x, x, opcodeOrMode);
    else a_->sseRR(type == kF64, opcodeOrMode, x, x);
    pushRegister(type, x);
  }

  /** abs/neg/copysign on the bits, in rax. */
  void signBit(uint8_t type, int digit) {
    X64Emitter& a = *a_;
    bool isDouble = type == kF64;
    int w = isDouble ? 64 : 32;
    Operand& operand = pop();
    int x = inXmm(operand);
    a.movFromXmm(w, R::Rax, x);
    a.bitTestImm(w, digit, R::Rax, isDouble ? 63 : 31);
    a.movToXmm(w, x, R::Rax);
    pushRegister(type, x);
  }

  bool floatOperator(int code) {
    X64Emitter& a = *a_;
    switch (code) {
      case K::F32Add: binary(kF32, 0x58); return true;
      case K::F32Sub: binary(kF32, 0x5c); return true;
      case K::F32Mul: binary(kF32, 0x59); return true;
      case K::F32Div: binary(kF32, 0x5e); return true;
      case K::F64Add: binary(kF64, 0x58); return true;
      case K::F64Sub: binary(kF64, 0x5c); return true;
      case K::F64Mul: binary(kF64, 0x59); return true;
      case K::F64Div: binary(kF64, 0x5e); return true;
      case K::F32Sqrt: unary(kF32, false, 0x51); return true;
      case K::F64Sqrt: unary(kF64, false, 0x51); return true;
      case K::F32Ceil: unary(kF32, true, 2); return true;
      case K::F32Floor: unary(kF32, true, 1); return true;
      case K::F32Trunc: unary(kF32, true, 3); return true;
      case K::F32Nearest: unary(kF32, true, 0); return true;
      case K::F64Ceil: unary(kF64, true, 2); return true;
      case K::F64Floor: unary(kF64, true, 1); return true;
      case K::F64Trunc: unary(kF64, true, 3); return true;
      case K::F64Nearest: unary(kF64, true, 0); return true;
      case K::F32Abs: signBit(kF32, 6); return true;
      case K::F64Abs: signBit(kF64, 6); return true;
      case K::F32Neg: signBit(kF32, 7); return true;
      case K::F64Neg: signBit(kF64, 7); return true;
      case K::F32Copysign: case K::F64Copysign: {
        uint8_t type = code == K::F64Copysign ? kF64 : kF32;
        int w = type == kF64 ? 64 : 32;
        int top = w - 1;
        Operand& rhs = pop();
        Operand& lhs = pop();
        int x = inXmm(lhs);
        int y = inXmm(rhs);
        a.movFromXmm(w, R::Rax, x);
        a.bitTestImm(w, 6, R::Rax, top);  // btr: the magnitude
        a.movFromXmm(w, R::Rcx, y);
        a.shiftImm(w, 5, R::Rcx, top);  // the sign bit alone...
        a.shiftImm(w, 4, R::Rcx, top);  // ...in its place
        a.aluRR(w, 0x09, R::Rax, R::Rcx);
        a.movToXmm(w, x, R::Rax);
        free(rhs);
        pushRegister(type, x);
        return true;
      }
      case K::F32Min: minMax(kF32, true); return true;
      case K::F32Max: minMax(kF32, false); return true;
      case K::F64Min: minMax(kF64, true); return true;
      case K::F64Max: minMax(kF64, false); return true;
      case K::F32Eq: case K::F64Eq: case K::F32Ne: case K::F64Ne:
      case K::F32Lt: case K::F64Lt: case K::F32Gt: case K::F64Gt:
      case K::F32Le: case K::F64Le: case K::F32Ge: case K::F64Ge:
        floatCompare(code);
        return true;
      default:
        return false;
    }
  }

  /** wasm min/max: NaN if either is NaN; -0 < +0; otherwise minss/maxss (operands differ). */
  void minMax(uint8_t type, bool min) {
    X64Emitter& a = *a_;
    bool isDouble = type == kF64;
    Operand& rhs = pop();
    Operand& lhs = pop();
    int x = inXmm(lhs);
    int y = inXmm(rhs);
    Label nan = a.newLabel();
    Label notEqual = a.newLabel();
    Label done = a.newLabel();
    a.ucomis(isDouble, x, y);
    a.jcc(Cond::P, nan);
    a.jcc(Cond::NE, notEqual);
    // Equal (maybe ±0): or keeps a negative sign (min), and keeps a positive one (max).
    a.bitwisePs(min ? 0x56 : 0x54, x, y);
    a.jmp(done);
    a.bind(notEqual);
    a.sseRR(isDouble, min ? 0x5d : 0x5f, x, y);
    a.jmp(done);
    a.bind(nan);
    a.sseRR(isDouble, 0x58, x, y);  // a quiet NaN from the NaN operand(s)
    a.bind(done);
    free(rhs);
    pushRegister(type, x);
  }

  void floatCompare(int code) {
    X64Emitter& a = *a_;
    bool isDouble = code >= K::F64Eq && code <= K::F64Ge;
    int kind = code - (isDouble ? K::F64Eq : K::F32Eq);  // eq ne lt gt le ge
    Operand& rhs = pop();
    Operand& lhs = pop();
    int x = inXmm(lhs);
    int y = inXmm(rhs);
    // lt/le compare swapped (b > a, b >= a) so that unordered gives false through CF.
    bool swap = kind == 2 || kind == 4;
    a.ucomis(isDouble, swap ? y : x, swap ? x : y);
    free(lhs);
    free(rhs);
    // lt, gt, le, ge are one condition, false when unordered (CF = ZF = PF = 1): a following
    // br_if or if jumps on it. eq and ne also need PF (two jumps): they make their boolean.
    if (kind >= 2 && branchFollows()) {
      fuseBranch(kind <= 3 ? Cond::A : Cond::AE);
      return;
    }
    int reg = allocateGpr();
    switch (kind) {
      case 0:  // eq: ZF and not PF
        a.setcc(Cond::E, reg);
        a.setcc(Cond::NP, R::Rcx);
        a.aluRR(32, 0x21, reg, R::Rcx);
        break;
      case 1:  // ne: not ZF or PF
        a.setcc(Cond::NE, reg);
        a.setcc(Cond::P, R::Rcx);
        a.aluRR(32, 0x09, reg, R::Rcx);
        break;
      case 2:
      case 3:
        a.setcc(Cond::A, reg);
        break;
      default:
        a.setcc(Cond::AE, reg);
        break;
    }
    a.extendReg(32, reg, reg, 8, false);
    pushRegister(kI32, reg);
  }

  // ---- conversions

  bool conversion(int code) {
    X64Emitter& a = *a_;
    switch (code) {
      case K::F32DemoteF64: case K::F64PromoteF32: {
        bool toDouble = code == K::F64PromoteF32;
        Operand& operand = pop();
        int x = inXmm(operand);
        a.cvtFloatWidth(toDouble, x, x);
        pushRegister(toDouble ? kF64 : kF32, x);
        return true;
      }
      case K::F32ConvertI32S: case K::F64ConvertI32S: case K::F32ConvertI64S: case K::F64ConvertI64S:
      case K::F32ConvertI32U: case K::F64ConvertI32U: {
        bool isDouble = code == K::F64ConvertI32S || code == K::F64ConvertI64S || code == K::F64ConvertI32U;
        Operand& operand = pop();
        int r = inGpr(operand);
        // i32 signed: sign-extend; i32 unsigned: zero-extended already; then a 64-bit conversion.
        if (code == K::F32ConvertI32S || code == K::F64ConvertI32S) a.extendReg(64, R::Rax, r, 32, true);
        else a.movRR(64, R::Rax, r);
        free(operand);
        int x = allocateXmm();
        a.bitwisePs(0x57, x, x);
        a.cvtIntToFloat(isDouble, 64, x, R::Rax);
        pushRegister(isDouble ? kF64 : kF32, x);
        return true;
      }
      case K::F32ConvertI64U: case K::F64ConvertI64U: {
        bool isDouble = code == K::F64ConvertI64U;
        Operand& operand = pop();
        toFixedGpr(operand, R::Rax);
        int x = allocateXmm();
        Label big = a.newLabel();
        Label done = a.newLabel();
        a.bitwisePs(0x57, x, x);
        a.aluRR(64, 0x85, R::Rax, R::Rax);
        a.jcc(Cond::S, big);
        a.cvtIntToFloat(isDouble, 64, x, R::Rax);
        a.jmp(done);
        a.bind(big);
        // Halve with the low bit kept (round to odd), convert, double: one rounding.
        a.movRR(64, R::Rcx, R::Rax);
        a.shiftImm(64, 5, R::Rcx, 1);
        a.aluRI(32, 4, R::Rax, 1);
        a.aluRR(64, 0x09, R::Rcx, R::Rax);
        a.cvtIntToFloat(isDouble, 64, x, R::Rcx);
        a.sseRR(isDouble, 0x58, x, x);
        a.bind(done);
        pushRegister(isDouble ? kF64 : kF32, x);
        return true;
      }
      default:
        break;
    }
    const Truncation* truncation = kTruncations.of(code);
    if (truncation == nullptr) return false;
    truncate(*truncation);
    return true;
  }

  /** Compare x (xmm0) with a bound (xmm1). */
  void compareWith(Halves bits) {
    a_->movImm64(R::Rax, bits.lo, bits.hi);
    a_->movToXmm(64, 1, R::Rax);
    a_->ucomis(true, 0, 1);
  }

  /** In range past the bound, or saturate, or trap. */
  void checkBound(const Truncation& t, Halves bits, int inRange, int outOfRange, Halves saturated, Label store) {
    X64Emitter& a = *a_;
    compareWith(bits);
    if (t.saturating) {
      Label within = a.newLabel();
      a.jcc(inRange, within);
      a.movImm64(R::Rax, saturated.lo, saturated.hi);
      a.jmp(store);
      a.bind(within);
    } else {
      a.jcc(outOfRange, trap(TrapCode::IntegerOverflow));
    }
  }

  /**
   * Float → integer, trapping or saturating. The source is widened to f64 (exactly) in xmm0,
   * then compared with the exclusive bounds of the target's range: NaN or out of range traps
   * (or saturates: NaN → 0, below → min, above → max); in range, cvttsd2si (unsigned 64-bit
   * results at or above 2^63 subtract 2^63 first and set the top bit after).
   */
  void truncate(const Truncation& t) {
    X64Emitter& a = *a_;
    Operand& operand = pop();
    int source = inXmm(operand);
    if (t.fromDouble) a.movXmm(0, source);
    else a.cvtFloatWidth(true, 0, source);
    free(operand);
    int result = allocateGpr();
    Label store = a.newLabel();
    a.ucomis(true, 0, 0);
    if (t.saturating) {
      Label notNan = a.newLabel();
      a.jcc(Cond::NP, notNan);
      a.aluRR(32, 0x31, R::Rax, R::Rax);
      a.jmp(store);
      a.bind(notNan);
    } else {
      a.jcc(Cond::P, trap(TrapCode::InvalidConversionToInteger));
    }
    checkBound(t, t.lower, Cond::A, Cond::BE, t.minimum, store);  // x > lower (exclusive)
    checkBound(t, t.upper, Cond::B, Cond::AE, t.maximum, store);  // x < upper (exclusive)
    if (t.to64 && !t.isSigned) {
      // [0, 2^64): below 2^63 directly; else subtract 2^63 and set the top bit.
      Label high = a.newLabel();
      compareWith(kTwoTo63);
      a.jcc(Cond::AE, high);
      a.cvtFloatToInt(true, 64, R::Rax, 0);
      a.jmp(store);
      a.bind(high);
      a.sseRR(true, 0x5c, 0, 1);
      a.cvtFloatToInt(true, 64, R::Rax, 0);
      a.bitTestImm(64, 7, R::Rax, 63);
    } else {
      // i32 unsigned fits a signed 64-bit conversion; i32 signed and i64 signed convert directly.
      a.cvtFloatToInt(true, t.to64 || !t.isSigned ? 64 : 32, R::Rax, 0);
    }
    a.bind(store);
    a.movRR(t.to64 ? 64 : 32, result, R::Rax);
    pushRegister(t.to64 ? kI64 : kI32, result);
  }

  const BaselineModule& module_;
  std::vector<uint32_t>* osrCandidates_;
  const bool hasMemory_;
  bool declined_ = false;
  bool error_ = false;
  std::string message_;

  Operator operator_;
  /** The body's reader while it is compiled (a comparison peeks at the operator after it). */
  OperatorReader* reader_ = nullptr;
  X64Emitter* a_ = nullptr;
  std::vector<ControlFrame> frames_;
  ControlFrame dummyFrame_;
  int32_t height_ = 0;
  int32_t maxHeight_ = 0;
  int64_t localCount_ = 0;
  /**
   * The locals kept in registers (chooseRegisterLocals), by rank: the i-th has its home in
   * HOME_REGISTERS[i], which the prologue saves (pushed after r12) and the epilogue restores.
   */
  int64_t homeLocals_[3] = {};
  int homeCount_ = 0;
  /**
   * The f32/f64 locals kept in XMM registers, by rank: the i-th has its home in
   * FLOAT_HOME_REGISTERS[i] (taken out of the operand pool), written to its slot before
   * every call out and reloaded after it (System V preserves no XMM register).
   */
  int64_t floatHomeLocals_[4] = {};
  int floatHomeCount_ = 0;
  /** Each local's weighted uses (chooseRegisterLocals), reused. */
  std::vector<int64_t> useWeights_;
  /** Whether each open block of the pre-scan is a loop, reused. */
  std::vector<bool> scanLoops_;
  std::vector<uint8_t> localTypes_;
  int64_t outgoingBytes_ = 0;
  bool reachable_ = true;
  int32_t loopOrdinal_ = 0;
  uint32_t functionIndex_ = 0;
  const FuncType* signature_ = nullptr;
  /** Trap code → label, in the order of first use (the TypeScript's Map). */
  std::vector<std::pair<int32_t, Label>> trapLabels_;
  Label epilogue_ = 0;
  /** Out-of-line code (slow paths), emitted after the body. */
  std::vector<ColdPath> coldPaths_;
  // The operand stack, by height.
  std::vector<uint8_t> types_;
  std::vector<Where> where_;
  std::vector<int> regs_;
  std::vector<int32_t> constantLo_;
  std::vector<int32_t> constantHi_;
  /**
   * Every stack value below this height is in its slot (spillAll starts here: a function
   * that keeps thousands of values on the stack across many branches stays linear).
   */
  int32_t unspilledFrom_ = 0;
  /** Operands taken off the stack, reused round-robin (an operator takes at most three). */
  Operand operands_[4];
  int nextOperand_ = 0;
  /** The unit's table of runtime entry points (labels in its emitter). */
  RuntimeTable runtime_;
  /** Owner (stack height, FREE or TAKEN) of each GPR (by number) and XMM register. */
  int32_t gprOwner_[16] = {};
  int32_t xmmOwner_[16] = {};
};

/** Largest code block installed for one unit (baseline-unit.ts MAX_UNIT_CODE_BYTES). */
constexpr size_t kMaxUnitCodeBytes = size_t{32} << 20;

}  // namespace

// baseline-unit.ts BaselineModuleCompiler.compileUnit.
BaselineStatus CompileBaselineUnit(const BaselineModule& module, const uint32_t* functions, size_t count, BaselineUnitCode* out, std::string* error) {
  X64Emitter emitter;
  RuntimeTable runtime;
  runtime.trap = emitter.newLabel();
  runtime.checkSlow = emitter.newLabel();
  runtime.memoryGrow = emitter.newLabel();
  runtime.tierUp = emitter.newLabel();
  std::vector<uint32_t> offsets;
  std::vector<uint32_t> candidates;
  BaselineFunctionCompiler compiler(module, &candidates);
  for (size_t i = 0; i < count; i++) {
    offsets.push_back(compiler.compile(emitter, functions[i], runtime));
    if (compiler.failed()) {
      if (compiler.declined()) return BaselineStatus::kDeclined;
      if (error != nullptr) *error = "function " + std::to_string(functions[i]) + ": " + compiler.message();
      return BaselineStatus::kError;
    }
  }
  emitter.align(8);
  uint32_t tableOffset = emitter.length();
  for (Label label : {runtime.trap, runtime.checkSlow, runtime.memoryGrow, runtime.tierUp}) {
    emitter.bind(label);
    emitter.u32(0);
    emitter.u32(0);
  }
  if (!emitter.finish()) {
    if (error != nullptr) *error = emitter.error();
    return BaselineStatus::kError;
  }
  if (emitter.code().size() > kMaxUnitCodeBytes) return BaselineStatus::kDeclined;
  out->bytes = std::move(emitter.code());
  out->offsets = std::move(offsets);
  out->tableOffset = tableOffset;
  out->osrCandidates = std::move(candidates);
  return BaselineStatus::kCompiled;
}

}  // namespace baseline
}  // namespace wasm_native
