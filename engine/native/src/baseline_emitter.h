// Baseline compile, C++ side: the x86-64 encoder of the baseline compiler, the port of
// engine/baseline/x64-emitter.ts (X64Emitter), method for method and under the same names, so
// that baseline_compiler.cc emits exactly the bytes of baseline-function.ts
// (engine/baseline/native-baseline.test.ts compares the two compilers' units byte for byte).
// Hand encoding after the Intel SDM vol. 2 (legacy prefix, REX, opcode, ModRM, SIB,
// displacement, immediate), with labels whose rel32 jumps are patched when the code is done.
//
// Memory operands are [base + index*scale + disp32/disp8] with base ≠ none, or an absolute
// %fs-relative address (the thread's ThreadLimits). Registers are encoding numbers 0-15.
// Where the TypeScript throws an internal error, this records the first one (failed(),
// error()) and goes on writing harmlessly; the compiler checks after each operator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wasm_native {
namespace baseline {

/** General-purpose registers by their encoding number. */
struct R {
  enum : int {
    Rax = 0,
    Rcx = 1,
    Rdx = 2,
    Rbx = 3,
    Rsp = 4,
    Rbp = 5,
    Rsi = 6,
    Rdi = 7,
    R8 = 8,
    R9 = 9,
    R10 = 10,
    R11 = 11,
    R12 = 12,
    R13 = 13,
    R14 = 14,
    R15 = 15,
  };
};

/** Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
struct Cond {
  enum : int {
    O = 0x0,
    B = 0x2,  // below (CF=1), unsigned <
    AE = 0x3,  // unsigned >=
    E = 0x4,
    NE = 0x5,
    BE = 0x6,  // unsigned <=
    A = 0x7,  // unsigned >
    S = 0x8,
    NS = 0x9,
    P = 0xa,  // parity (unordered after ucomis*)
    NP = 0xb,
    L = 0xc,  // signed <
    GE = 0xd,
    LE = 0xe,
    G = 0xf,
  };
};

/** A memory operand: [base + index * scale + disp] (index -1: none). The displacement is kept wide, as the TypeScript's number. */
struct Mem {
  int base = R::Rbp;
  int index = -1;
  int scale = 1;
  int64_t disp = 0;
};

inline Mem mem(int base, int64_t disp) {
  Mem m;
  m.base = base;
  m.disp = disp;
  return m;
}

inline Mem mem(int base, int64_t disp, int index, int scale = 1) {
  Mem m;
  m.base = base;
  m.disp = disp;
  m.index = index;
  m.scale = scale;
  return m;
}

/** A label: an index into the emitter's label table. */
using Label = int32_t;

class X64Emitter {
 public:
  uint32_t length() const { return static_cast<uint32_t>(buffer_.size()); }

  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }

  /** The low 8 bits (JavaScript's `value & 0xff` on an integral number). */
  void byte(int64_t value) { buffer_.push_back(static_cast<uint8_t>(static_cast<uint64_t>(value) & 0xff)); }

  template <typename... Values>
  void bytes(Values... values) {
    (byte(values), ...);
  }

  /** The low 32 bits, little-endian (the TypeScript's u32 on any integral number). */
  void u32(int64_t value) {
    uint32_t v = static_cast<uint32_t>(static_cast<uint64_t>(value));
    buffer_.push_back(static_cast<uint8_t>(v));
    buffer_.push_back(static_cast<uint8_t>(v >> 8));
    buffer_.push_back(static_cast<uint8_t>(v >> 16));
    buffer_.push_back(static_cast<uint8_t>(v >> 24));
  }

  void u64(uint64_t value) {
    u32(static_cast<int64_t>(value & 0xffffffffull));
    u32(static_cast<int64_t>(value >> 32));
  }

  void patchByte(uint32_t at, int64_t value) {
    if (at >= buffer_.size()) return fail("a patch past the code");
    buffer_[at] = static_cast<uint8_t>(static_cast<uint64_t>(value) & 0xff);
  }

  /** Overwrites the 32-bit field at `at` (a frame size known only at the end). */
  void patchU32(uint32_t at, int64_t value) { patch32(at, value); }

  // ---- labels

  Label newLabel() {
    labels_.push_back(-1);
    return static_cast<Label>(labels_.size() - 1);
  }

  void bind(Label label) {
    if (label < 0 || static_cast<size_t>(label) >= labels_.size() || labels_[label] != -1) {
      return fail("label " + std::to_string(label) + " bound twice");
    }
    labels_[label] = static_cast<int64_t>(buffer_.size());
  }

  void jmp(Label label) {
    byte(0xe9);
    rel32(label);
  }

  void jcc(int cond, Label label) {
    bytes(0x0f, 0x80 | cond);
    rel32(label);
  }

  /** A 32-bit entry of a jump table starting at `tableStart`: label − tableStart. */
  void tableEntry(Label label, uint32_t tableStart) {
    tableFixups_.push_back({buffer_.size(), label, tableStart});
    u32(0);
  }

  /** Resolves every label into the code (finish() of the TypeScript, which returns the bytes: here they stay in code()). */
  bool finish() {
    for (const Fixup& fixup : fixups_) {
      int64_t target = labelPosition(fixup.label);
      if (target < 0) {
        fail("a jump to a label never bound");
        return false;
      }
      patch32(static_cast<uint32_t>(fixup.at), target - static_cast<int64_t>(fixup.at + 4));
    }
    for (const Fixup& fixup : tableFixups_) {
      int64_t target = labelPosition(fixup.label);
      if (target < 0) {
        fail("a table entry for a label never bound");
        return false;
      }
      patch32(static_cast<uint32_t>(fixup.at), target - static_cast<int64_t>(fixup.tableStart));
    }
    return !failed_;
  }

  std::vector<uint8_t>& code() { return buffer_; }

  void align(uint32_t alignment) {
    while (buffer_.size() % alignment != 0) byte(0xcc);
  }

  /** [prefix] [REX] opcode ModRM(reg, m): the general memory form. */
  void opMem(int prefix, bool w, int opcode, int reg, const Mem& m, bool byteReg = false) {
    if (m.index == R::Rsp) return fail("rsp cannot be an index");
    if (prefix != 0) byte(prefix);
    rex(w, reg, m.index < 0 ? 0 : m.index, m.base, byteReg && reg >= 4);
    emitOpcode(opcode);
    modrmMem(reg, m);
  }

  /** [prefix] [REX] opcode ModRM(reg, rm) with a register operand. */
  void opReg(int prefix, bool w, int opcode, int reg, int rm, bool byteRegs = false) {
    if (prefix != 0) byte(prefix);
    rex(w, reg, 0, rm, byteRegs && (reg >= 4 || rm >= 4));
    emitOpcode(opcode);
    byte(0xc0 | ((reg & 7) << 3) | (rm & 7));
  }

  // ---- general-purpose instructions

  void push(int r) {
    if (r >= 8) byte(0x41);
    byte(0x50 + (r & 7));
  }

  void pop(int r) {
    if (r >= 8) byte(0x41);
    byte(0x58 + (r & 7));
  }

  void ret() { byte(0xc3); }

  void callReg(int r) {
    if (r >= 8) byte(0x41);
    bytes(0xff, 0xd0 | (r & 7));
  }

  /** call qword [rip + disp32 to `label`] (an entry of an address table in the code). */
  void callRipIndirect(Label label) {
    bytes(0xff, 0x15);
    rel32(label);
  }

  void jmpReg(int r) {
    if (r >= 8) byte(0x41);
    bytes(0xff, 0xe0 | (r & 7));
  }

  /** mov dst, src (registers). */
  void movRR(int w, int dst, int src) { opReg(0, w == 64, 0x89, src, dst); }

  /** mov reg, [m] (8/16-bit loads use movzx/movsx instead). */
  void load(int w, int dst, const Mem& m) { opMem(0, w == 64, 0x8b, dst, m); }

  /** mov [m], reg with an 8/16/32/64-bit store. */
  void store(int bits, const Mem& m, int src) {
    if (bits == 8) opMem(0, false, 0x88, src, m, true);
    else if (bits == 16) opMem(0x66, false, 0x89, src, m);
    else opMem(0, bits == 64, 0x89, src, m);
  }

  /** mov [m], imm32 (sign-extended to 64 bits when w = 64). */
  void storeImm(int w, const Mem& m, int64_t imm) {
    opMem(0, w == 64, 0xc7, 0, m);
    u32(imm);
  }

  /** movzx/movsx dst, byte/word [m]; 32-bit movsxd for 32-bit sources (w = 64). */
  void loadExtend(int w, int dst, const Mem& m, int bits, bool isSigned) {
    if (bits == 32) {
      if (isSigned) opMem(0, true, 0x63, dst, m);
      else opMem(0, false, 0x8b, dst, m);
      return;
    }
    int opcode = bits == 8 ? (isSigned ? 0xbe : 0xb6) : isSigned ? 0xbf : 0xb7;
    opMem(0, w == 64 && isSigned, 0x0f00 | opcode, dst, m);
  }

  /** movsx/movzx between registers (8/16/32-bit source). */
  void extendReg(int w, int dst, int src, int bits, bool isSigned) {
    if (bits == 32) {
      if (isSigned) opReg(0, true, 0x63, dst, src);
      else movRR(32, dst, src);
      return;
    }
    int opcode = bits == 8 ? (isSigned ? 0xbe : 0xb6) : isSigned ? 0xbf : 0xb7;
    opReg(0, w == 64 && isSigned, 0x0f00 | opcode, dst, src, bits == 8);
  }

  /** mov reg, imm (the shortest form: 32-bit zero-extended, sign-extended or 64-bit). */
  void movImm(int dst, uint64_t v) {
    if (v <= 0xffffffffull) {
      if (dst >= 8) byte(0x41);
      byte(0xb8 + (dst & 7));
      u32(static_cast<int64_t>(v));
    } else if (static_cast<int64_t>(v) >= -0x80000000ll && static_cast<int64_t>(v) < 0) {
      opReg(0, true, 0xc7, 0, dst);
      u32(static_cast<int64_t>(v & 0xffffffffull));
    } else {
      byte(0x48 | ((dst & 8) >> 3));
      byte(0xb8 + (dst & 7));
      u64(v);
    }
  }

  /** mov r32, imm32 (zero-extends into the 64-bit register). */
  void movImm32(int dst, int64_t value) {
    if (dst >= 8) byte(0x41);
    byte(0xb8 + (dst & 7));
    u32(value);
  }

  /** mov reg, the 64-bit value hi:lo (two int32 halves), in its shortest form. */
  void movImm64(int dst, int32_t lo, int32_t hi) {
    if (hi == 0) {
      movImm32(dst, lo);
    } else if (hi == -1 && lo < 0) {
      opReg(0, true, 0xc7, 0, dst);
      u32(lo);
    } else {
      byte(0x48 | ((dst & 8) >> 3));
      byte(0xb8 + (dst & 7));
      u32(lo);
      u32(hi);
    }
  }

  void lea(int dst, const Mem& m) { opMem(0, true, 0x8d, dst, m); }

  /** lea dst, [rip + disp32 to `label`] (the label must come later or be bound). */
  void leaRip(int dst, Label label) {
    byte(0x48 | ((dst & 8) >> 1));
    bytes(0x8d, 0x05 | ((dst & 7) << 3));
    rel32(label);
  }

  /** ALU op with a register source: add 0x01, or 0x09, and 0x21, sub 0x29, xor 0x31, cmp 0x39, test 0x85. */
  void aluRR(int w, int opcode, int dst, int src) { opReg(0, w == 64, opcode, src, dst); }

  /** ALU op reg, [m]: add 0x03, or 0x0b, and 0x23, sub 0x2b, xor 0x33, cmp 0x3b. */
  void aluRM(int w, int opcode, int dst, const Mem& m) { opMem(0, w == 64, opcode, dst, m); }

  /** ALU op with an imm32 on a register: /digit (add 0, or 1, and 4, sub 5, xor 6, cmp 7). */
  void aluRI(int w, int digit, int dst, int64_t imm) {
    if (imm >= -128 && imm <= 127) {
      opReg(0, w == 64, 0x83, digit, dst);
      byte(imm);
    } else {
      opReg(0, w == 64, 0x81, digit, dst);
      u32(imm);
    }
  }

  /** ALU op with an imm32 on memory: /digit as aluRI. */
  void aluMI(int w, int digit, const Mem& m, int64_t imm) {
    if (imm >= -128 && imm <= 127) {
      opMem(0, w == 64, 0x83, digit, m);
      byte(imm);
    } else {
      opMem(0, w == 64, 0x81, digit, m);
      u32(imm);
    }
  }

  /** imul dst, src. */
  void imulRR(int w, int dst, int src) { opReg(0, w == 64, 0xfaf, dst, src); }

  /** F7 /digit on a register: not 2, neg 3, mul 4, div 6, idiv 7. */
  void unaryF7(int w, int digit, int r) { opReg(0, w == 64, 0xf7, digit, r); }

  /** Shift or rotate by cl: D3 /digit (rol 0, ror 1, shl 4, shr 5, sar 7). */
  void shiftCl(int w, int digit, int r) { opReg(0, w == 64, 0xd3, digit, r); }

  /** Shift by an immediate: C1 /digit ib. */
  void shiftImm(int w, int digit, int r, int64_t count) {
    opReg(0, w == 64, 0xc1, digit, r);
    byte(count);
  }

  /** cdq (32) / cqo (64): sign-extend eax/rax into edx/rdx. */
  void signExtendAxToDx(int w) {
    if (w == 64) byte(0x48);
    byte(0x99);
  }

  void setcc(int cond, int r8) { opReg(0, false, 0x0f00 | (0x90 | cond), 0, r8, true); }

  void cmov(int w, int cond, int dst, int src) { opReg(0, w == 64, 0x0f00 | (0x40 | cond), dst, src); }

  /** lzcnt / tzcnt / popcnt dst, src (F3 0F BD / BC / B8). */
  void bitCount(int w, int opcode, int dst, int src) { opReg(0xf3, w == 64, 0x0f00 | opcode, dst, src); }

  /** bt{r,c,s} r/m, imm8: 0F BA /digit (bts 5, btr 6, btc 7). */
  void bitTestImm(int w, int digit, int r, int bit) {
    opReg(0, w == 64, 0xfba, digit, r);
    byte(bit);
  }

  /** mov dst, qword fs:[disp32] (the thread's ThreadLimits, initial-exec TLS). */
  void loadFsAbsolute(int dst, int64_t disp) {
    byte(0x64);
    byte(0x48 | ((dst & 8) >> 1));
    bytes(0x8b, 0x04 | ((dst & 7) << 3), 0x25);
    u32(disp);
  }

  // ---- SSE (scalar f32 in the low 32 bits, f64 in the low 64 bits)

  /** movss/movsd xmm, [m]. */
  void loadXmm(bool isDouble, int xmm, const Mem& m) { opMem(isDouble ? 0xf2 : 0xf3, false, 0xf10, xmm, m); }

  /** movss/movsd [m], xmm. */
  void storeXmm(bool isDouble, const Mem& m, int xmm) { opMem(isDouble ? 0xf2 : 0xf3, false, 0xf11, xmm, m); }

  /** Scalar arithmetic xmm, xmm: add 0x58, mul 0x59, sub 0x5c, min 0x5d, div 0x5e, max 0x5f, sqrt 0x51. */
  void sseRR(bool isDouble, int opcode, int dst, int src) { opReg(isDouble ? 0xf2 : 0xf3, false, 0x0f00 | opcode, dst, src); }

  /** Scalar arithmetic xmm, [m] (as sseRR). */
  void sseRM(bool isDouble, int opcode, int dst, const Mem& m) { opMem(isDouble ? 0xf2 : 0xf3, false, 0x0f00 | opcode, dst, m); }

  /** movaps dst, src (a whole-register copy). */
  void movXmm(int dst, int src) { opReg(0, false, 0xf28, dst, src); }

  /** ucomiss/ucomisd a, b. */
  void ucomis(bool isDouble, int a, int b) { opReg(isDouble ? 0x66 : 0, false, 0xf2e, a, b); }

  /** andps/orps/xorps (packed bitwise, on the whole register): and 0x54, or 0x56, xor 0x57. */
  void bitwisePs(int opcode, int dst, int src) { opReg(0, false, 0x0f00 | opcode, dst, src); }

  /** cvtsi2ss/cvtsi2sd xmm, r32/r64. */
  void cvtIntToFloat(bool isDouble, int w, int xmm, int r) { opReg(isDouble ? 0xf2 : 0xf3, w == 64, 0xf2a, xmm, r); }

  /** cvttss2si/cvttsd2si r32/r64, xmm (truncating). */
  void cvtFloatToInt(bool isDouble, int w, int r, int xmm) { opReg(isDouble ? 0xf2 : 0xf3, w == 64, 0xf2c, r, xmm); }

  /** cvtss2sd (toDouble) / cvtsd2ss. */
  void cvtFloatWidth(bool toDouble, int dst, int src) { opReg(toDouble ? 0xf3 : 0xf2, false, 0xf5a, dst, src); }

  /** roundss/roundsd xmm, xmm, mode (SSE4.1; mode 0 nearest, 1 down, 2 up, 3 toward zero; precision exceptions off). */
  void round(bool isDouble, int dst, int src, int mode) {
    opReg(0x66, false, isDouble ? 0x0f3a0b : 0x0f3a0a, dst, src);
    byte(mode | 8);
  }

  /** movd/movq xmm, r32/r64. */
  void movToXmm(int w, int xmm, int r) { opReg(0x66, w == 64, 0xf6e, xmm, r); }

  /** movd/movq r32/r64, xmm. */
  void movFromXmm(int w, int r, int xmm) { opReg(0x66, w == 64, 0xf7e, xmm, r); }

 private:
  struct Fixup {
    size_t at;
    Label label;
    uint32_t tableStart;
  };

  void fail(const std::string& what) {
    if (failed_) return;
    failed_ = true;
    error_ = what;
  }

  int64_t labelPosition(Label label) const {
    if (label < 0 || static_cast<size_t>(label) >= labels_.size()) return -1;
    return labels_[label];
  }

  void patch32(uint32_t at, int64_t value) {
    if (static_cast<size_t>(at) + 4 > buffer_.size()) return fail("a patch past the code");
    uint32_t v = static_cast<uint32_t>(static_cast<uint64_t>(value));
    buffer_[at] = static_cast<uint8_t>(v);
    buffer_[at + 1] = static_cast<uint8_t>(v >> 8);
    buffer_[at + 2] = static_cast<uint8_t>(v >> 16);
    buffer_[at + 3] = static_cast<uint8_t>(v >> 24);
  }

  void rel32(Label label) {
    fixups_.push_back({buffer_.size(), label, 0});
    u32(0);
  }

  /** REX prefix if any of its bits (or a byte register above bl) needs it. */
  void rex(bool w, int reg, int index, int base, bool force = false) {
    int value = 0x40 | (w ? 8 : 0) | ((reg & 8) >> 1) | ((index & 8) >> 2) | ((base & 8) >> 3);
    if (value != 0x40 || force) byte(value);
  }

  /** ModRM (+ SIB + displacement) for register field `reg` and memory operand `m`. */
  void modrmMem(int reg, const Mem& m) {
    int base = m.base & 7;
    int64_t disp = m.disp;
    bool needsSib = m.index >= 0 || base == 4;
    int mod;
    if (disp == 0 && base != 5) mod = 0;
    else if (disp >= -128 && disp <= 127) mod = 1;
    else mod = 2;
    if (needsSib) {
      byte((mod << 6) | ((reg & 7) << 3) | 4);
      int index = m.index < 0 ? 4 : m.index & 7;
      int scale = m.index < 0 ? 0 : scaleBits(m.scale);
      byte((scale << 6) | (index << 3) | base);
    } else {
      byte((mod << 6) | ((reg & 7) << 3) | base);
    }
    if (mod == 1) byte(disp);
    else if (mod == 2) u32(disp);
  }

  static int scaleBits(int scale) { return scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0; }

  /** The opcode bytes, given as one number (0x8b, 0x0faf, 0x0f3a0b: big-endian, no leading zero byte). */
  void emitOpcode(int opcode) {
    if (opcode > 0xffff) byte(opcode >> 16);
    if (opcode > 0xff) byte(opcode >> 8);
    byte(opcode);
  }

  std::vector<uint8_t> buffer_;
  /** Each label's bound position, or -1. */
  std::vector<int64_t> labels_;
  /** rel32 fields to patch. */
  std::vector<Fixup> fixups_;
  /** 32-bit table entries to patch. */
  std::vector<Fixup> tableFixups_;
  bool failed_ = false;
  std::string error_;
};

}  // namespace baseline
}  // namespace wasm_native
