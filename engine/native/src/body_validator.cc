// Stage: validation of function bodies, in C++ (Core spec §3.3 "Instructions", by the
// algorithm of the appendix, §7.3 "Validation Algorithm"). The rules are those of the
// TypeScript validator (engine/validate/function-validator.ts), driven by the same opcode
// tables (engine/wasm/opcodes.ts: immediate kind, packed signature and extra number per
// operator id), which the caller passes in; this file holds the immediates' decoding (with
// engine/binary/leb128.ts's rules for malformed integers) and the special typings. It
// answers accept or reject. On accept it also gives each body's direct callees
// (engine/validate/direct-calls.ts); on reject the caller runs the TypeScript validator,
// whose CompileError (message and offset) is the engine's answer, so messages live in one
// place. Why: docs/RATIONALE.md, "Why validate function bodies in C++ as well?".
//
// Also listDirectCallees (below): one validated body's direct callees, read in C++, for the
// tiered engine's top-tier sets on a code-cache hit (where no validation listed them).
//
// validateFunctionBodies(bytes: Uint8Array, immediates: Uint8Array, signatures: Int32Array,
//     extras: Uint8Array, enumValues: Int32Array, typeRanges: Uint32Array, typeValues:
//     Uint8Array, functionTypeIndices: Uint32Array, tableTypes: Uint8Array, globalTypes:
//     Uint8Array, globalMutable: Uint8Array, elementTypes: Uint8Array, declaredReferences:
//     Uint8Array, bodies: Uint32Array, scalars: Int32Array, threads: number)
//   → { starts: Uint32Array, targets: Int32Array } | { failedBody: number, offset: number }
//
// typeRanges: 4 words per type (params start, count, results start, count in typeValues);
// bodies: 3 words per body in code-section order (start after the size, first instruction,
// end); scalars: [imported function count, memory count, data count or -1, simd 0/1].
// enumValues: the TypeScript enums' numbers in kEnumOrder's order; a mismatch (a table
// changed on one side only) is an internal error, not a wrong answer. Bodies are split into
// contiguous ranges over up to `threads` threads; the answer does not depend on the split
// (a rejection names the first failing body in code-section order).

#include "body_validator.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <pthread.h>
#include <vector>

#include "napi_checked.h"
#include "threads.h"

namespace wasm_native {
namespace {

// ---------------------------------------------------------------- the TypeScript enums mirrored

namespace imm {  // Immediate (opcodes.ts)
enum : uint8_t {
  None, Label, Func, Local, Global, Table, Data, Elem, BlockType, BrTable, CallIndirect, MemArg, MemArgLane,
  Memory, MemoryCopy, MemoryInit, TableInit, TableCopy, I32, I64, F32, F64, V128, SelectTyped, RefType, Lane,
  Shuffle,
  LastSingleIndex = Elem,
  Undefined = 255,  // UNDEFINED_OPERATOR
};
}  // namespace imm

namespace typing {  // Typing (opcodes.ts)
enum : uint8_t {
  Fixed, Unreachable, Block, Loop, If, Else, End, Br, BrIf, BrTable, Return, Call, CallIndirect, Drop, Select,
  SelectTyped, LocalGet, LocalSet, LocalTee, GlobalGet, GlobalSet, TableGet, TableSet, TableGrow, TableFill,
  RefNull, RefIsNull,
};
}  // namespace typing

namespace frame {  // FrameKind (frame-kind.ts)
enum : uint8_t { Block = 0, Loop = 1, If = 2, Else = 3, Function = 4 };
}  // namespace frame

// ValType (value-types.ts); Unknown is the appendix's type of a polymorphic stack.
constexpr uint8_t kUnknown = 0, kI32 = 0x7f, kI64 = 0x7e, kF32 = 0x7d, kF64 = 0x7c, kV128 = 0x7b,
                  kFuncRef = 0x70, kExternRef = 0x6f;
constexpr int64_t kBlockTypeEmpty = -64;
constexpr int32_t kSignatureCheckImmediates = 1 << 30;
constexpr uint32_t kOperatorIds = 0x300;
constexpr uint32_t kSimdIdsStart = 0x200;
constexpr uint32_t kRefFunc = 0xd2;
constexpr uint32_t kCall = 0x10;
/** MAX_OPERAND_STACK_HEIGHT and MAX_BR_TABLE_TARGETS (function-validator.ts, binary/limits.ts). */
constexpr size_t kMaxOperandStack = size_t{1} << 26;
constexpr uint32_t kMaxBrTableTargets = 65520;

/** The order of enumValues: what the caller's numbers must equal. */
constexpr int32_t kEnumOrder[] = {
    imm::None, imm::Label, imm::Func, imm::Local, imm::Global, imm::Table, imm::Data, imm::Elem,
    imm::BlockType, imm::BrTable, imm::CallIndirect, imm::MemArg, imm::MemArgLane, imm::Memory,
    imm::MemoryCopy, imm::MemoryInit, imm::TableInit, imm::TableCopy, imm::I32, imm::I64, imm::F32,
    imm::F64, imm::V128, imm::SelectTyped, imm::RefType, imm::Lane, imm::Shuffle, imm::Undefined,
    typing::Fixed, typing::Unreachable, typing::Block, typing::Loop, typing::If, typing::Else,
    typing::End, typing::Br, typing::BrIf, typing::BrTable, typing::Return, typing::Call,
    typing::CallIndirect, typing::Drop, typing::Select, typing::SelectTyped, typing::LocalGet,
    typing::LocalSet, typing::LocalTee, typing::GlobalGet, typing::GlobalSet, typing::TableGet,
    typing::TableSet, typing::TableGrow, typing::TableFill, typing::RefNull, typing::RefIsNull,
    frame::Block, frame::Loop, frame::If, frame::Else, frame::Function,
    kUnknown, kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef, static_cast<int32_t>(kBlockTypeEmpty),
    kSignatureCheckImmediates, static_cast<int32_t>(kOperatorIds), static_cast<int32_t>(kMaxOperandStack),
    static_cast<int32_t>(kMaxBrTableTargets), static_cast<int32_t>(kRefFunc),
};
constexpr size_t kEnumCount = sizeof kEnumOrder / sizeof kEnumOrder[0];

bool IsValueType(uint8_t byte) { return (byte >= 0x7b && byte <= 0x7f) || byte == kFuncRef || byte == kExternRef; }
bool IsNumericOrVector(uint8_t type) { return type >= 0x7b && type <= 0x7f; }
bool IsReference(uint8_t type) { return type == kFuncRef || type == kExternRef; }

/** A list of value types (parameters, results, a single result, none). */
struct TypeList {
  const uint8_t* data = nullptr;
  uint32_t size = 0;
  bool operator==(const TypeList& other) const {
    return size == other.size && (size == 0 || std::memcmp(data, other.data, size) == 0);
  }
};

/** Each value type byte at its own index, for single-result block types. */
struct SingleResults {
  uint8_t bytes[256];
  SingleResults() {
    for (int i = 0; i < 256; ++i) bytes[i] = static_cast<uint8_t>(i);
  }
};
const SingleResults kSingleResults;

/** What bodies need from the module (ValidationContext, validation-context.ts). */
struct Context {
  const uint8_t* bytes = nullptr;
  size_t byteLength = 0;
  const uint8_t* immediates = nullptr;
  const int32_t* signatures = nullptr;
  const uint8_t* extras = nullptr;
  std::vector<TypeList> params, results;
  const uint32_t* functionTypes = nullptr;
  uint32_t functionCount = 0;
  const uint8_t* tableTypes = nullptr;
  uint32_t tableCount = 0;
  const uint8_t* globalTypes = nullptr;
  const uint8_t* globalMutable = nullptr;
  uint32_t globalCount = 0;
  const uint8_t* elementTypes = nullptr;
  uint32_t elementCount = 0;
  const uint8_t* declared = nullptr;
  uint32_t importedFunctions = 0;
  uint32_t memoryCount = 0;
  int64_t dataCount = -1;
  bool simd = false;
  const uint32_t* bodies = nullptr;
  uint32_t bodyCount = 0;
  /** Per first byte, for the fast loop: the signature of a one-byte operator without
   * immediates, or of a load or store (memarg), else -1. */
  int32_t plainSignature[256];
  int32_t memorySignature[256];
};

/** The immediates of one operator (Operator, operator-reader.ts), as far as validation needs them. */
struct Immediates {
  uint32_t index = 0;
  uint32_t secondIndex = 0;
  int64_t blockType = 0;
  uint32_t align = 0;
  uint32_t lane = 0;
  uint8_t valueType = 0;
  uint32_t selectTypeCount = 0;
  const uint8_t* lanes = nullptr;  // shuffle's sixteen bytes
  std::vector<uint32_t> brTargets;
  uint32_t brTargetCount = 0;
};

struct Frame {
  uint8_t kind;
  bool unreachable;
  uint32_t height;
  int64_t blockType;
};

/** Validates bodies one after another (one per thread), noting their direct callees. */
class BodyValidator {
 public:
  explicit BodyValidator(const Context& context)
      : c_(context), seen_(context.functionCount, -1) {
    operands_.resize(256);
  }

  /** Body `ordinal`; false when it is not valid. Appends its callees to targets(). */
  bool Validate(uint32_t ordinal);

  const std::vector<int32_t>& targets() const { return targets_; }

  /**
   * The direct callees of the body whose instructions are [codeStart, end) (defined functions
   * only, each once, in the order of their first call), reading operators without validating
   * them (for bodies validated before); false when an operator cannot be read.
   */
  bool ListCallees(size_t codeStart, size_t end, std::vector<int32_t>* callees) {
    pos_ = codeStart;
    end_ = std::min(end, c_.byteLength);
    while (pos_ < end_) {
      opOffset_ = pos_;
      uint32_t id;
      if (!ReadOperator(&id)) return false;
      if (id == kCall && imm_.index >= c_.importedFunctions &&
          std::find(callees->begin(), callees->end(), static_cast<int32_t>(imm_.index)) == callees->end()) {
        callees->push_back(static_cast<int32_t>(imm_.index));
      }
    }
    return true;
  }
  size_t failOffset() const { return failOffset_; }

 private:
  const Context& c_;
  size_t pos_ = 0, end_ = 0, failOffset_ = 0, opOffset_ = 0;
  // uint16_t, not uint8_t: a store through a char type may alias every member, which would
  // keep the compiler from holding count_ and floor_ in registers.
  std::vector<uint16_t> operands_;
  size_t count_ = 0;
  /** The innermost frame's height and unreachability (frames_.back()'s, kept at hand). */
  size_t floor_ = 0;
  bool unreachable_ = false;
  std::vector<Frame> frames_;
  std::vector<uint8_t> locals_;
  std::vector<int32_t> targets_;
  std::vector<int32_t> seen_;
  int32_t caller_ = -1;
  Immediates imm_;

  bool Fail() {
    failOffset_ = opOffset_;
    return false;
  }

  // ---- reading (leb128.ts, operator-reader.ts)
  bool ReadByte(uint8_t* out) {
    if (pos_ >= end_) return Fail();
    *out = c_.bytes[pos_++];
    return true;
  }
  bool ReadU32(uint32_t* out) {
    uint32_t result = 0;
    for (int i = 0; i < 5; ++i) {
      if (pos_ >= end_) return Fail();
      uint8_t byte = c_.bytes[pos_++];
      if (i == 4) {
        if ((byte & 0x80) || (byte & 0x70)) return Fail();
        *out = result | (static_cast<uint32_t>(byte) << 28);
        return true;
      }
      result |= static_cast<uint32_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) {
        *out = result;
        return true;
      }
    }
    return Fail();
  }
  bool SkipS32() {
    for (int i = 0; i < 5; ++i) {
      if (pos_ >= end_) return Fail();
      uint8_t byte = c_.bytes[pos_++];
      if (i == 4) {
        if (byte & 0x80) return Fail();
        uint8_t signAndUnused = byte & 0x78;
        return signAndUnused == 0 || signAndUnused == 0x78 ? true : Fail();
      }
      if ((byte & 0x80) == 0) return true;
    }
    return Fail();
  }
  bool SkipS64() {
    for (int i = 0; i < 10; ++i) {
      if (pos_ >= end_) return Fail();
      uint8_t byte = c_.bytes[pos_++];
      if (i == 9) {
        if (byte & 0x80) return Fail();
        uint8_t payload = byte & 0x7f;
        return payload == 0 || payload == 0x7f ? true : Fail();
      }
      if ((byte & 0x80) == 0) return true;
    }
    return Fail();
  }
  bool ReadS33(int64_t* out) {
    int64_t result = 0, multiplier = 1;
    for (int i = 0; i < 5; ++i) {
      if (pos_ >= end_) return Fail();
      uint8_t byte = c_.bytes[pos_++];
      if (i == 4) {
        if (byte & 0x80) return Fail();
        uint8_t signAndUnused = byte & 0x70;
        if (signAndUnused != 0 && signAndUnused != 0x70) return Fail();
        result += static_cast<int64_t>(byte & 0x1f) * multiplier;
        *out = (byte & 0x10) ? result - (int64_t{1} << 33) : result;
        return true;
      }
      result += static_cast<int64_t>(byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) == 0) {
        *out = (byte & 0x40) ? result - multiplier : result;
        return true;
      }
    }
    return Fail();
  }
  bool Skip(size_t bytes) {
    if (end_ - pos_ < bytes) return Fail();
    pos_ += bytes;
    return true;
  }
  bool ReadZeroByte() {
    uint8_t byte;
    if (!ReadByte(&byte)) return false;
    return byte == 0 ? true : Fail();
  }

  /**
   * The most frequent operators when they are trivially valid (the fast path of
   * validate/fast-path.ts): local.get/set/tee with one-byte indices, one-byte constants, plain
   * fixed-signature operators, loads and stores with short immediates, with operands of
   * exactly the expected types. False for anything else: Step() then applies every rule.
   */
  inline bool FastStep(size_t& pos, size_t& count) __attribute__((always_inline));
  /** A fixed-signature operator `length` bytes long whose operands are exactly its types. */
  inline bool FixedStep(int32_t signature, size_t length, size_t& pos, size_t& count) __attribute__((always_inline));
  /** Reads and validates the operator at pos_ (every rule). */
  bool Step();

  /** Decodes the operator at pos_: its id, and its immediates into imm_. */
  bool ReadOperator(uint32_t* id);
  bool ReadImmediates(uint8_t kind);

  // ---- the appendix's operations
  bool Push(uint8_t type) {
    if (count_ == operands_.size()) {
      if (operands_.size() >= kMaxOperandStack) return Fail();
      operands_.resize(operands_.size() * 2);
    }
    operands_[count_++] = type;
    return true;
  }
  bool Pop(uint8_t expected, uint8_t* actual) {
    if (count_ > floor_) {
      uint8_t found = static_cast<uint8_t>(operands_[--count_]);
      if (found != expected && found != kUnknown && expected != kUnknown) return Fail();
      *actual = found;
      return true;
    }
    if (unreachable_) {
      *actual = kUnknown;
      return true;
    }
    return Fail();
  }
  bool Pop(uint8_t expected) {
    uint8_t ignored;
    return Pop(expected, &ignored);
  }
  bool PopList(TypeList types) {
    for (uint32_t i = types.size; i > 0; --i) {
      if (!Pop(types.data[i - 1])) return false;
    }
    return true;
  }
  bool PushList(TypeList types) {
    for (uint32_t i = 0; i < types.size; ++i) {
      if (!Push(types.data[i])) return false;
    }
    return true;
  }
  TypeList BlockParams(int64_t blockType, uint8_t kind) const {
    if (blockType >= 0 && kind != frame::Function) return c_.params[static_cast<size_t>(blockType)];
    return TypeList{};
  }
  TypeList BlockResults(int64_t blockType) const {
    if (blockType >= 0) return c_.results[static_cast<size_t>(blockType)];
    if (blockType == kBlockTypeEmpty) return TypeList{};
    return TypeList{&kSingleResults.bytes[static_cast<uint8_t>(blockType + 0x80)], 1};
  }
  bool LabelTypes(uint32_t depth, TypeList* out) {
    if (depth >= frames_.size()) return Fail();
    const Frame& target = frames_[frames_.size() - 1 - depth];
    *out = target.kind == frame::Loop ? BlockParams(target.blockType, frame::Loop) : BlockResults(target.blockType);
    return true;
  }
  bool PushControl(uint8_t kind, int64_t blockType) {
    frames_.push_back(Frame{kind, false, static_cast<uint32_t>(count_), blockType});
    floor_ = count_;
    unreachable_ = false;
    return PushList(BlockParams(blockType, kind));
  }
  bool PopControl(Frame* popped) {
    if (frames_.empty()) return Fail();
    if (!PopList(BlockResults(frames_.back().blockType))) return false;
    if (count_ != frames_.back().height) return Fail();
    *popped = frames_.back();
    frames_.pop_back();
    floor_ = frames_.empty() ? 0 : frames_.back().height;
    unreachable_ = frames_.empty() ? false : frames_.back().unreachable;
    return true;
  }
  void SetUnreachable() {
    count_ = floor_;
    frames_.back().unreachable = true;
    unreachable_ = true;
  }
  /** push_vals(pop_vals(types)) without moving anything (br_table's targets). */
  bool OperandsMatch(TypeList types) {
    size_t available = count_ - floor_;
    if (available < types.size && !unreachable_) return Fail();
    size_t checked = std::min<size_t>(types.size, available);
    for (size_t i = 0; i < checked; ++i) {
      uint8_t expected = types.data[types.size - 1 - i];
      uint16_t actual = operands_[count_ - 1 - i];
      if (actual != expected && actual != kUnknown) return Fail();
    }
    return true;
  }

  bool CheckImmediates(uint32_t id);
  bool StepSpecial(uint8_t kind, uint32_t id);
  bool CheckDataIndex(uint32_t index) const { return c_.dataCount >= 0 && index < c_.dataCount; }
  void NoteCall(uint32_t callee) {
    if (callee < c_.importedFunctions || seen_[callee] == caller_) return;
    seen_[callee] = caller_;
    targets_.push_back(static_cast<int32_t>(callee));
  }
};

bool BodyValidator::ReadOperator(uint32_t* id) {
  uint8_t byte;
  if (!ReadByte(&byte)) return false;
  uint32_t op = byte;
  if (byte == 0xfc || byte == 0xfd) {
    uint32_t code;
    if (!ReadU32(&code)) return false;
    if (code > 0xff) return Fail();
    op = (byte == 0xfc ? 0x100u : 0x200u) + code;
  }
  uint8_t kind = c_.immediates[op];
  if (kind == imm::Undefined) return Fail();
  *id = op;
  if (kind == imm::None) return true;
  if (kind <= imm::LastSingleIndex) return ReadU32(&imm_.index);
  return ReadImmediates(kind);
}

bool BodyValidator::ReadImmediates(uint8_t kind) {
  switch (kind) {
    case imm::I32:
      return SkipS32();
    case imm::I64:
      return SkipS64();
    case imm::F32:
      return Skip(4);
    case imm::F64:
      return Skip(8);
    case imm::MemArg: {
      uint32_t offset;
      return ReadU32(&imm_.align) && ReadU32(&offset);
    }
    case imm::MemArgLane: {
      uint32_t offset;
      uint8_t lane;
      if (!ReadU32(&imm_.align) || !ReadU32(&offset) || !ReadByte(&lane)) return false;
      imm_.lane = lane;
      return true;
    }
    case imm::BlockType: {
      if (pos_ >= end_) return Fail();
      uint8_t byte = c_.bytes[pos_];
      if (byte == 0x40 || IsValueType(byte)) {
        ++pos_;
        imm_.blockType = static_cast<int64_t>(byte) - 0x80;
        return true;
      }
      int64_t value;
      if (!ReadS33(&value)) return false;
      if (value < 0) return Fail();
      imm_.blockType = value;
      return true;
    }
    case imm::BrTable: {
      uint32_t count;
      if (!ReadU32(&count)) return false;
      if (count >= end_ - pos_ || count > kMaxBrTableTargets) return Fail();
      if (imm_.brTargets.size() < count) imm_.brTargets.resize(count);
      for (uint32_t i = 0; i < count; ++i) {
        if (!ReadU32(&imm_.brTargets[i])) return false;
      }
      imm_.brTargetCount = count;
      return ReadU32(&imm_.index);
    }
    case imm::CallIndirect:
    case imm::TableInit:
    case imm::TableCopy:
      return ReadU32(&imm_.index) && ReadU32(&imm_.secondIndex);
    case imm::Memory:
      return ReadZeroByte();
    case imm::MemoryCopy:
      return ReadZeroByte() && ReadZeroByte();
    case imm::MemoryInit:
      return ReadU32(&imm_.index) && ReadZeroByte();
    case imm::SelectTyped: {
      uint32_t count;
      if (!ReadU32(&count)) return false;
      if (count > end_ - pos_) return Fail();
      imm_.selectTypeCount = count;
      imm_.valueType = 0;
      for (uint32_t i = 0; i < count; ++i) {
        uint8_t type;
        if (!ReadByte(&type)) return false;
        if (!IsValueType(type)) return Fail();
        if (i == 0) imm_.valueType = type;
      }
      return true;
    }
    case imm::RefType: {
      uint8_t type;
      if (!ReadByte(&type)) return false;
      if (type != kFuncRef && type != kExternRef) return Fail();
      imm_.valueType = type;
      return true;
    }
    case imm::V128:
    case imm::Shuffle:
      imm_.lanes = c_.bytes + pos_;
      return Skip(16);
    case imm::Lane: {
      uint8_t lane;
      if (!ReadByte(&lane)) return false;
      imm_.lane = lane;
      return true;
    }
    default:
      return Fail();
  }
}

bool BodyValidator::CheckImmediates(uint32_t id) {
  uint8_t extra = c_.extras[id];
  switch (c_.immediates[id]) {
    case imm::MemArg:
      return c_.memoryCount != 0 && imm_.align <= extra ? true : Fail();
    case imm::MemArgLane:
      return c_.memoryCount != 0 && imm_.align <= extra && imm_.lane < (16u >> extra) ? true : Fail();
    case imm::Memory:
    case imm::MemoryCopy:
      return c_.memoryCount != 0 ? true : Fail();
    case imm::MemoryInit:
      return c_.memoryCount != 0 && CheckDataIndex(imm_.index) ? true : Fail();
    case imm::Data:
      return CheckDataIndex(imm_.index) ? true : Fail();
    case imm::Table:
      return imm_.index < c_.tableCount ? true : Fail();
    case imm::TableCopy:
      return imm_.index < c_.tableCount && imm_.secondIndex < c_.tableCount &&
                     c_.tableTypes[imm_.index] == c_.tableTypes[imm_.secondIndex]
                 ? true
                 : Fail();
    case imm::TableInit:
      return imm_.secondIndex < c_.tableCount && imm_.index < c_.elementCount &&
                     c_.elementTypes[imm_.index] == c_.tableTypes[imm_.secondIndex]
                 ? true
                 : Fail();
    case imm::Elem:
      return imm_.index < c_.elementCount ? true : Fail();
    case imm::Func:
      if (imm_.index >= c_.functionCount) return Fail();
      // ref.func may name only declared functions (C.refs); call any.
      return id != kRefFunc || c_.declared[imm_.index] != 0 ? true : Fail();
    case imm::CallIndirect:
      return imm_.secondIndex < c_.tableCount && imm_.index < c_.params.size() &&
                     c_.tableTypes[imm_.secondIndex] == kFuncRef
                 ? true
                 : Fail();
    case imm::BlockType:
      return imm_.blockType < static_cast<int64_t>(c_.params.size()) ? true : Fail();
    case imm::Lane:
      return imm_.lane < extra ? true : Fail();
    case imm::Shuffle:
      for (int i = 0; i < 16; ++i) {
        if (imm_.lanes[i] >= 32) return Fail();
      }
      return true;
    case imm::SelectTyped:
      return imm_.selectTypeCount == 1 ? true : Fail();
    default:
      return true;
  }
}

bool BodyValidator::StepSpecial(uint8_t kind, uint32_t id) {
  switch (kind) {
    case typing::Unreachable:
      SetUnreachable();
      return true;
    case typing::Block:
    case typing::Loop:
      if (!PopList(BlockParams(imm_.blockType, frame::Block))) return false;
      return PushControl(kind == typing::Block ? frame::Block : frame::Loop, imm_.blockType);
    case typing::If:
      if (!Pop(kI32) || !PopList(BlockParams(imm_.blockType, frame::Block))) return false;
      return PushControl(frame::If, imm_.blockType);
    case typing::Else: {
      if (frames_.empty() || frames_.back().kind != frame::If) return Fail();
      Frame popped;
      if (!PopControl(&popped)) return false;
      return PushControl(frame::Else, popped.blockType);
    }
    case typing::End: {
      Frame popped;
      if (!PopControl(&popped)) return false;
      TypeList results = BlockResults(popped.blockType);
      if (popped.kind == frame::If && !(BlockParams(popped.blockType, frame::If) == results)) return Fail();
      return PushList(results);
    }
    case typing::Br: {
      TypeList types;
      if (!LabelTypes(imm_.index, &types) || !PopList(types)) return false;
      SetUnreachable();
      return true;
    }
    case typing::BrIf: {
      TypeList types;
      if (!Pop(kI32) || !LabelTypes(imm_.index, &types) || !PopList(types)) return false;
      return PushList(types);
    }
    case typing::BrTable: {
      TypeList defaults;
      if (!Pop(kI32) || !LabelTypes(imm_.index, &defaults)) return false;
      for (uint32_t i = 0; i < imm_.brTargetCount; ++i) {
        TypeList types;
        if (!LabelTypes(imm_.brTargets[i], &types)) return false;
        if (types.size != defaults.size) return Fail();
        if (!OperandsMatch(types)) return false;
      }
      if (!PopList(defaults)) return false;
      SetUnreachable();
      return true;
    }
    case typing::Return:
      if (!PopList(BlockResults(frames_.front().blockType))) return false;
      SetUnreachable();
      return true;
    case typing::Call: {
      uint32_t type = c_.functionTypes[imm_.index];
      if (!PopList(c_.params[type]) || !PushList(c_.results[type])) return false;
      NoteCall(imm_.index);
      return true;
    }
    case typing::CallIndirect:
      return Pop(kI32) && PopList(c_.params[imm_.index]) && PushList(c_.results[imm_.index]);
    case typing::Drop:
      return Pop(kUnknown);
    case typing::Select: {
      uint8_t first, second;
      if (!Pop(kI32) || !Pop(kUnknown, &first) || !Pop(kUnknown, &second)) return false;
      if ((first != kUnknown && !IsNumericOrVector(first)) || (second != kUnknown && !IsNumericOrVector(second))) {
        return Fail();
      }
      if (first != second && first != kUnknown && second != kUnknown) return Fail();
      return Push(first == kUnknown ? second : first);
    }
    case typing::SelectTyped: {
      uint8_t type = imm_.valueType;
      return Pop(kI32) && Pop(type) && Pop(type) && Push(type);
    }
    case typing::LocalGet:
      return imm_.index < locals_.size() ? Push(locals_[imm_.index]) : Fail();
    case typing::LocalSet:
      return imm_.index < locals_.size() ? Pop(locals_[imm_.index]) : Fail();
    case typing::LocalTee:
      return imm_.index < locals_.size() ? Pop(locals_[imm_.index]) && Push(locals_[imm_.index]) : Fail();
    case typing::GlobalGet:
      return imm_.index < c_.globalCount ? Push(c_.globalTypes[imm_.index]) : Fail();
    case typing::GlobalSet:
      if (imm_.index >= c_.globalCount || c_.globalMutable[imm_.index] == 0) return Fail();
      return Pop(c_.globalTypes[imm_.index]);
    case typing::TableGet:
      return Pop(kI32) && Push(c_.tableTypes[imm_.index]);
    case typing::TableSet:
      return Pop(c_.tableTypes[imm_.index]) && Pop(kI32);
    case typing::TableGrow:
      return Pop(kI32) && Pop(c_.tableTypes[imm_.index]) && Push(kI32);
    case typing::TableFill:
      return Pop(kI32) && Pop(c_.tableTypes[imm_.index]) && Pop(kI32);
    case typing::RefNull:
      return Push(imm_.valueType);
    case typing::RefIsNull: {
      uint8_t type;
      if (!Pop(kUnknown, &type)) return false;
      if (type != kUnknown && !IsReference(type)) return Fail();
      return Push(kI32);
    }
    default:
      return Fail();
  }
}

bool BodyValidator::FastStep(size_t& pos, size_t& count) {
  const uint8_t* bytes = c_.bytes;
  uint8_t byte = bytes[pos];
  uint8_t next = pos + 1 < end_ ? bytes[pos + 1] : 0x80;  // a one-byte index or constant is < 0x80
  // local.get (a third of all operators) and the plain operators first, without the switch's
  // indirect jump, which the CPU mispredicts on mixed code.
  if (byte == 0x20) {
    if (next >= 0x80 || next >= locals_.size() || count >= operands_.size()) return false;
    operands_[count++] = locals_[next];
    pos += 2;
    return true;
  }
  if (c_.plainSignature[byte] >= 0) return FixedStep(c_.plainSignature[byte], 1, pos, count);
  switch (byte) {
    case 0x21:  // local.set
    case 0x22:  // local.tee
      if (next >= 0x80 || next >= locals_.size() || count <= floor_ || operands_[count - 1] != locals_[next]) return false;
      if (byte == 0x21) --count;
      pos += 2;
      return true;
    case 0x41:  // i32.const
    case 0x42: {  // i64.const
      if (count >= operands_.size()) return false;
      size_t length = 1;
      if (next >= 0x80) {
        // A well-formed LEB128: at most 5 (10) bytes, and in a full-length one the last
        // byte's bits above the value copy its sign (0x00-0x07 or 0x78-0x7f; 0x00 or 0x7f).
        size_t maxBytes = byte == 0x41 ? 5 : 10;
        size_t limit = std::min(end_, pos + 1 + maxBytes);
        size_t last = pos + 2;
        while (last < limit && bytes[last] >= 0x80) ++last;
        if (last >= limit) return false;
        uint8_t value = bytes[last];
        if (last - pos == maxBytes) {
          bool fits = byte == 0x41 ? (value <= 0x07 || value >= 0x78) : (value == 0x00 || value == 0x7f);
          if (!fits) return false;
        }
        length = last - pos;
      }
      operands_[count++] = byte == 0x41 ? kI32 : kI64;
      pos += 1 + length;
      return true;
    }
    case 0x23:  // global.get
      if (next >= 0x80 || next >= c_.globalCount || count >= operands_.size()) return false;
      operands_[count++] = c_.globalTypes[next];
      pos += 2;
      return true;
    case 0x24:  // global.set
      if (next >= 0x80 || next >= c_.globalCount || c_.globalMutable[next] == 0 || count <= floor_ ||
          operands_[count - 1] != c_.globalTypes[next]) {
        return false;
      }
      --count;
      pos += 2;
      return true;
    case 0x02:  // block
    case 0x03:  // loop, with an empty or single-value block type
      if (next != 0x40 && !IsValueType(next)) return false;
      frames_.push_back(Frame{byte == 0x02 ? frame::Block : frame::Loop, false, static_cast<uint32_t>(count), static_cast<int64_t>(next) - 0x80});
      floor_ = count;
      unreachable_ = false;
      pos += 2;
      return true;
    case 0x0b: {  // end of a block or loop whose results are exactly what its stack holds
      if (frames_.size() < 2 || unreachable_) return false;
      const Frame& top = frames_.back();
      if (top.kind != frame::Block && top.kind != frame::Loop) return false;
      TypeList results = BlockResults(top.blockType);
      if (count - floor_ != results.size) return false;
      for (uint32_t i = 0; i < results.size; ++i) {
        if (operands_[floor_ + i] != results.data[i]) return false;
      }
      frames_.pop_back();
      floor_ = frames_.back().height;
      unreachable_ = frames_.back().unreachable;
      pos += 1;
      return true;
    }
    case 0x0d: {  // br_if to a label whose values are exactly the ones below the condition
      if (next >= 0x80 || next >= frames_.size() || count <= floor_ || operands_[count - 1] != kI32) return false;
      const Frame& target = frames_[frames_.size() - 1 - next];
      TypeList types = target.kind == frame::Loop ? BlockParams(target.blockType, frame::Loop) : BlockResults(target.blockType);
      if (count - 1 - floor_ < types.size) return false;
      for (uint32_t i = 0; i < types.size; ++i) {
        if (operands_[count - 1 - types.size + i] != types.data[i]) return false;
      }
      --count;
      pos += 2;
      return true;
    }
    case 0x10: {  // call with a short function index and arguments of exactly its parameter types
      uint32_t callee = 0;
      size_t at = pos + 1;
      int i = 0;
      for (; i < 4; ++i) {
        if (at + i >= end_) return false;
        callee |= static_cast<uint32_t>(bytes[at + i] & 0x7f) << (7 * i);
        if (bytes[at + i] < 0x80) break;
      }
      if (i == 4 || callee >= c_.functionCount) return false;
      uint32_t type = c_.functionTypes[callee];
      TypeList params = c_.params[type], results = c_.results[type];
      if (count - floor_ < params.size || count - params.size + results.size > operands_.size()) return false;
      for (uint32_t j = 0; j < params.size; ++j) {
        if (operands_[count - params.size + j] != params.data[j]) return false;
      }
      count -= params.size;
      for (uint32_t j = 0; j < results.size; ++j) operands_[count++] = results.data[j];
      NoteCall(callee);
      pos += 2 + i;
      return true;
    }
    default:
      break;
  }
  // A load or store: a one-byte alignment no larger than natural, an offset of at most four bytes.
  int32_t signature = c_.memorySignature[byte];
  if (signature < 0 || c_.memoryCount == 0 || next > c_.extras[byte]) return false;
  size_t offset = pos + 2;
  int i = 0;
  for (; i < 4; ++i) {
    if (offset + i >= end_) return false;
    if (bytes[offset + i] < 0x80) break;
  }
  if (i == 4) return false;
  return FixedStep(signature, 3 + i, pos, count);
}

bool BodyValidator::FixedStep(int32_t signature, size_t length, size_t& pos, size_t& count) {
  uint32_t bits = static_cast<uint32_t>(signature);
  uint32_t popCount = (bits >> 28) & 3;
  if (count < floor_ + popCount || count >= operands_.size()) return false;
  uint16_t* ops = operands_.data();
  if ((popCount > 0 && ops[count - 1] != ((bits >> 7) & 0x7f)) || (popCount > 1 && ops[count - 2] != ((bits >> 14) & 0x7f)) ||
      (popCount > 2 && ops[count - 3] != ((bits >> 21) & 0x7f))) {
    return false;
  }
  count -= popCount;
  uint16_t result = bits & 0x7f;
  if (result != 0) ops[count++] = result;
  pos += length;
  return true;
}

bool BodyValidator::Step() {
  opOffset_ = pos_;
  uint32_t id;
  if (!ReadOperator(&id)) return false;
  if (id >= kSimdIdsStart && !c_.simd) return Fail();
  int32_t signature = c_.signatures[id];
  if ((signature & kSignatureCheckImmediates) != 0 && !CheckImmediates(id)) return false;
  if (signature < 0) return StepSpecial(static_cast<uint8_t>(signature & 0xff), id);
  // Fixed signature: up to three operands (top first), at most one result.
  uint32_t bits = static_cast<uint32_t>(signature);
  uint32_t popCount = (bits >> 28) & 3;
  for (uint32_t i = 0; i < popCount; ++i) {
    if (!Pop(static_cast<uint8_t>((bits >> (7 + 7 * i)) & 0x7f))) return false;
  }
  uint8_t result = static_cast<uint8_t>(bits & 0x7f);
  return result == 0 || Push(result);
}

bool BodyValidator::Validate(uint32_t ordinal) {
  const uint32_t* body = c_.bodies + 3 * size_t{ordinal};
  size_t start = body[0], codeStart = body[1], end = body[2];
  uint32_t functionIndex = c_.importedFunctions + ordinal;
  caller_ = static_cast<int32_t>(functionIndex);
  opOffset_ = start;
  if (!(start <= codeStart && codeStart <= end && end <= c_.byteLength) || functionIndex >= c_.functionCount) return Fail();
  uint32_t typeIndex = c_.functionTypes[functionIndex];
  if (typeIndex >= c_.params.size()) return Fail();

  // Locals: the parameters, then the declared groups (already checked by the decoder).
  TypeList params = c_.params[typeIndex];
  locals_.assign(params.data, params.data + params.size);
  pos_ = start;
  end_ = codeStart;
  uint32_t groups;
  if (!ReadU32(&groups)) return false;
  for (uint32_t i = 0; i < groups; ++i) {
    uint32_t count;
    uint8_t type;
    if (!ReadU32(&count) || !ReadByte(&type)) return false;
    if (!IsValueType(type) || count > (1u << 20) - locals_.size()) return Fail();
    locals_.insert(locals_.end(), count, type);
  }
  if (pos_ != codeStart) return Fail();

  end_ = end;
  count_ = 0;
  frames_.clear();
  frames_.push_back(Frame{frame::Function, false, 0, static_cast<int64_t>(typeIndex)});
  floor_ = 0;
  unreachable_ = false;
  while (pos_ < end_) {
    size_t pos = pos_, count = count_;
    while (pos < end_ && FastStep(pos, count)) {
    }
    pos_ = pos;
    count_ = count;
    if (pos_ >= end_) break;
    if (!Step()) return false;
    if (frames_.empty() && pos_ != end_) {
      opOffset_ = pos_;
      return Fail();
    }
  }
  opOffset_ = end_;
  return frames_.empty() ? true : Fail();
}

// ---------------------------------------------------------------- the binding

template <typename T>
bool TypedArrayOf(const Napi::Value& value, napi_typedarray_type type, const T** data, size_t* length) {
  if (!value.IsTypedArray()) return false;
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  if (array.TypedArrayType() != type) return false;
  *data = reinterpret_cast<const T*>(static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset());
  *length = array.ElementLength();
  return true;
}

Napi::Value Fail(Napi::Env env, const std::string& message) {
  Napi::TypeError::New(env, "validateFunctionBodies: " + message).ThrowAsJavaScriptException();
  return Napi::Value();
}

struct RangeResult {
  std::vector<uint32_t> starts;  // relative to this range's targets
  std::vector<int32_t> targets;
  bool ok = true;
  uint32_t failedBody = 0;
  size_t offset = 0;
};

void ValidateRange(const Context& context, uint32_t first, uint32_t last, RangeResult* out) {
  BodyValidator validator(context);
  out->starts.reserve(last - first);
  for (uint32_t ordinal = first; ordinal < last; ++ordinal) {
    out->starts.push_back(static_cast<uint32_t>(validator.targets().size()));
    if (!validator.Validate(ordinal)) {
      out->ok = false;
      out->failedBody = ordinal;
      out->offset = validator.failOffset();
      return;
    }
  }
  out->targets = validator.targets();
}

/** One range of bodies for a helper thread. */
struct RangeTask {
  const Context* context;
  uint32_t first, last;
  RangeResult* out;
};

void* RangeThreadMain(void* argument) {
  auto* task = static_cast<RangeTask*>(argument);
  ValidateRange(*task->context, task->first, task->last, task->out);
  return nullptr;
}

Napi::Value ValidateFunctionBodies(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 16) return Fail(env, "16 arguments expected");
  Context c;
  size_t n = 0, immediateCount = 0, signatureCount = 0, extraCount = 0, enumCount = 0;
  const int32_t* enumValues = nullptr;
  if (!TypedArrayOf(info[0], napi_uint8_array, &c.bytes, &c.byteLength) ||
      !TypedArrayOf(info[1], napi_uint8_array, &c.immediates, &immediateCount) ||
      !TypedArrayOf(info[2], napi_int32_array, &c.signatures, &signatureCount) ||
      !TypedArrayOf(info[3], napi_uint8_array, &c.extras, &extraCount) ||
      !TypedArrayOf(info[4], napi_int32_array, &enumValues, &enumCount)) {
    return Fail(env, "bytes and opcode tables must be typed arrays");
  }
  if (immediateCount != kOperatorIds || signatureCount != kOperatorIds || extraCount != kOperatorIds) {
    return Fail(env, "opcode tables of another size");
  }
  if (enumCount != kEnumCount) return Fail(env, "internal error: the validator's enums changed on one side only");
  for (size_t i = 0; i < kEnumCount; ++i) {
    if (enumValues[i] != kEnumOrder[i]) {
      return Fail(env, "internal error: enum value " + std::to_string(i) + " differs from engine/wasm's (rebuild the addon)");
    }
  }
  for (uint32_t byte = 0; byte < 256; ++byte) {
    int32_t signature = byte < 0xfc ? c.signatures[byte] : -1;
    uint8_t kind = c.immediates[byte];
    c.plainSignature[byte] = signature >= 0 && kind == imm::None ? signature : -1;
    c.memorySignature[byte] = signature >= 0 && kind == imm::MemArg ? signature & ~kSignatureCheckImmediates : -1;
  }
  const uint32_t* typeRanges = nullptr;
  const uint8_t* typeValues = nullptr;
  size_t typeRangeCount = 0, typeValueCount = 0, functionCount = 0, tableCount = 0, globalCount = 0, mutableCount = 0,
         elementCount = 0, declaredCount = 0, bodyWords = 0, scalarCount = 0;
  const int32_t* scalars = nullptr;
  if (!TypedArrayOf(info[5], napi_uint32_array, &typeRanges, &typeRangeCount) ||
      !TypedArrayOf(info[6], napi_uint8_array, &typeValues, &typeValueCount) ||
      !TypedArrayOf(info[7], napi_uint32_array, &c.functionTypes, &functionCount) ||
      !TypedArrayOf(info[8], napi_uint8_array, &c.tableTypes, &tableCount) ||
      !TypedArrayOf(info[9], napi_uint8_array, &c.globalTypes, &globalCount) ||
      !TypedArrayOf(info[10], napi_uint8_array, &c.globalMutable, &mutableCount) ||
      !TypedArrayOf(info[11], napi_uint8_array, &c.elementTypes, &elementCount) ||
      !TypedArrayOf(info[12], napi_uint8_array, &c.declared, &declaredCount) ||
      !TypedArrayOf(info[13], napi_uint32_array, &c.bodies, &bodyWords) ||
      !TypedArrayOf(info[14], napi_int32_array, &scalars, &scalarCount) || !info[15].IsNumber()) {
    return Fail(env, "module arrays of the wrong kinds");
  }
  if (typeRangeCount % 4 != 0 || bodyWords % 3 != 0 || scalarCount != 4 || mutableCount != globalCount ||
      declaredCount != functionCount) {
    return Fail(env, "module arrays of inconsistent lengths");
  }
  size_t typeCount = typeRangeCount / 4;
  c.params.resize(typeCount);
  c.results.resize(typeCount);
  for (size_t t = 0; t < typeCount; ++t) {
    const uint32_t* range = typeRanges + 4 * t;
    if (uint64_t{range[0]} + range[1] > typeValueCount || uint64_t{range[2]} + range[3] > typeValueCount) {
      return Fail(env, "a type outside typeValues");
    }
    c.params[t] = TypeList{typeValues + range[0], range[1]};
    c.results[t] = TypeList{typeValues + range[2], range[3]};
  }
  c.functionCount = static_cast<uint32_t>(functionCount);
  for (size_t f = 0; f < functionCount; ++f) {
    if (c.functionTypes[f] >= typeCount) return Fail(env, "a function of an unknown type");
  }
  c.tableCount = static_cast<uint32_t>(tableCount);
  c.globalCount = static_cast<uint32_t>(globalCount);
  c.elementCount = static_cast<uint32_t>(elementCount);
  c.importedFunctions = static_cast<uint32_t>(scalars[0]);
  c.memoryCount = static_cast<uint32_t>(scalars[1]);
  c.dataCount = scalars[2];
  c.simd = scalars[3] != 0;
  c.bodyCount = static_cast<uint32_t>(bodyWords / 3);
  if (uint64_t{c.importedFunctions} + c.bodyCount != functionCount) return Fail(env, "bodies and functions disagree");

  // Contiguous ranges of about equal bytes, one per thread.
  n = c.bodyCount;
  size_t requested = static_cast<size_t>(std::max(1.0, info[15].As<Napi::Number>().DoubleValue()));
  size_t threads = std::min<size_t>({requested, 16, std::max<size_t>(1, n)});
  std::vector<uint32_t> bounds{0};
  if (threads > 1) {
    uint64_t total = 0;
    for (size_t i = 0; i < n; ++i) total += c.bodies[3 * i + 2] - c.bodies[3 * i];
    uint64_t share = total / threads + 1, accumulated = 0;
    for (size_t i = 0; i < n; ++i) {
      accumulated += c.bodies[3 * i + 2] - c.bodies[3 * i];
      if (accumulated >= share * bounds.size() && bounds.size() < threads) bounds.push_back(static_cast<uint32_t>(i + 1));
    }
  }
  if (bounds.back() != n) bounds.push_back(static_cast<uint32_t>(n));
  size_t ranges = bounds.size() - 1;
  std::vector<RangeResult> results(ranges);
  // Helper threads for ranges 1.., this thread for range 0. A thread that cannot be started
  // (a process at its thread limit) leaves its range to this thread: slower, same answer.
  std::vector<RangeTask> tasks(ranges);
  std::vector<pthread_t> helpers(ranges);
  std::vector<bool> started(ranges, false);
  for (size_t r = 1; r < ranges; ++r) {
    tasks[r] = RangeTask{&c, bounds[r], bounds[r + 1], &results[r]};
    started[r] = StartThread(RangeThreadMain, &tasks[r], 0, &helpers[r]) == 0;
  }
  if (ranges > 0) ValidateRange(c, bounds[0], bounds[1], &results[0]);
  for (size_t r = 1; r < ranges; ++r) {
    if (started[r]) pthread_join(helpers[r], nullptr);
    else ValidateRange(c, bounds[r], bounds[r + 1], &results[r]);
  }

  for (const RangeResult& result : results) {
    if (result.ok) continue;
    Napi::Object failure = Napi::Object::New(env);
    failure.Set("failedBody", Napi::Number::New(env, result.failedBody));
    failure.Set("offset", Napi::Number::New(env, static_cast<double>(result.offset)));
    return failure;
  }
  size_t targetCount = 0;
  for (const RangeResult& result : results) targetCount += result.targets.size();
  Napi::Uint32Array starts = Napi::Uint32Array::New(env, n + 1);
  Napi::Int32Array targets = Napi::Int32Array::New(env, targetCount);
  // Empty when Node-API refuses (a thread being terminated): no write through their null data.
  if (starts.IsEmpty() || starts.Data() == nullptr || targets.IsEmpty() || (targetCount > 0 && targets.Data() == nullptr)) return Napi::Value();
  size_t base = 0, ordinal = 0;
  for (const RangeResult& result : results) {
    for (uint32_t start : result.starts) starts[ordinal++] = static_cast<uint32_t>(base + start);
    std::copy(result.targets.begin(), result.targets.end(), targets.Data() + base);
    base += result.targets.size();
  }
  starts[n] = static_cast<uint32_t>(base);
  Napi::Object graph = Napi::Object::New(env);
  graph.Set("starts", starts);
  graph.Set("targets", targets);
  return graph;
}

/**
 * listDirectCallees(bytes: Uint8Array, immediates: Uint8Array, codeStart: number, end: number,
 *     importedFunctionCount: number) → Int32Array | undefined: calleesOf
 * (translate/code-units.ts) for one body validated before; undefined when an operator
 * cannot be read (the caller then reads it in TypeScript).
 */
Napi::Value ListDirectCallees(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Context c;
  size_t immediateCount = 0;
  if (!TypedArrayOf(info[0], napi_uint8_array, &c.bytes, &c.byteLength) ||
      !TypedArrayOf(info[1], napi_uint8_array, &c.immediates, &immediateCount) || immediateCount != kOperatorIds ||
      !info[2].IsNumber() || !info[3].IsNumber() || !info[4].IsNumber()) {
    return Fail(env, "listDirectCallees(bytes, immediates, codeStart, end, importedFunctionCount)");
  }
  c.importedFunctions = info[4].As<Napi::Number>().Uint32Value();
  size_t codeStart = static_cast<size_t>(info[2].As<Napi::Number>().DoubleValue());
  size_t end = static_cast<size_t>(info[3].As<Napi::Number>().DoubleValue());
  BodyValidator reader(c);
  std::vector<int32_t> callees;
  if (codeStart > end || !reader.ListCallees(codeStart, end, &callees)) return env.Undefined();
  return NewTypedArrayOf<int32_t>(env, callees);
}

}  // namespace

void InitBodyValidatorBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("listDirectCallees", Napi::Function::New(env, ListDirectCallees, "listDirectCallees"));
  exports.Set("validateFunctionBodies", Napi::Function::New(env, ValidateFunctionBodies, "validateFunctionBodies"));
}

}  // namespace wasm_native
