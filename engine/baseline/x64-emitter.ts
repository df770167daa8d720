// Stage: baseline compile (wasm → x86-64 without LLVM, docs/RATIONALE.md "Why a baseline
// compiler of our own?"). The engine's one x86-64 instruction encoder, for the machine code
// it writes without LLVM — the baseline compiler (baseline-function.ts) and the signature
// trampolines (compile/signature-trampolines.ts): the general-purpose, SSE and
// control-transfer instructions they emit, encoded by hand after the Intel SDM vol. 2 (legacy prefix, REX, opcode, ModRM, SIB,
// displacement, immediate), with labels whose rel32 jumps are patched when the code is done.
//
// Memory operands are [base + index*scale + disp32/disp8] with base ≠ none, or an absolute
// %fs-relative address (the thread's ThreadLimits). Registers are encoding numbers 0-15.

/** General-purpose registers by their encoding number. */
export const enum R {
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
}

/** Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
export const enum Cond {
  O = 0x0,
  B = 0x2, // below (CF=1), unsigned <
  AE = 0x3, // unsigned >=
  E = 0x4,
  NE = 0x5,
  BE = 0x6, // unsigned <=
  A = 0x7, // unsigned >
  S = 0x8,
  NS = 0x9,
  P = 0xa, // parity (unordered after ucomis*)
  NP = 0xb,
  L = 0xc, // signed <
  GE = 0xd,
  LE = 0xe,
  G = 0xf,
}

/** A memory operand: [base + index * scale + disp]. */
export interface Mem {
  readonly base: R;
  readonly index?: R;
  readonly scale?: 1 | 2 | 4 | 8;
  readonly disp: number;
}

export function mem(base: R, disp: number, index?: R, scale?: 1 | 2 | 4 | 8): Mem {
  return index === undefined ? { base, disp } : { base, disp, index, scale: scale ?? 1 };
}

/** Operand size of an instruction: 32 or 64 bits (8 and 16 for loads/stores only). */
export type Width = 32 | 64;

/** A label: an index into the emitter's label table. */
export type Label = number;

const SCALE_BITS = { 1: 0, 2: 1, 4: 2, 8: 3 } as const;

export class X64Emitter {
  private buffer = new Uint8Array(4096);
  private size = 0;
  /** Each label's bound position, or -1. */
  private readonly labels: number[] = [];
  /** rel32 fields to patch: [position of the field, label]. */
  private readonly fixups: number[] = [];
  /** 32-bit table entries to patch: [position, label, table start]. */
  private readonly tableFixups: number[] = [];

  get length(): number {
    return this.size;
  }

  private ensure(extra: number): void {
    if (this.size + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.size + extra));
    grown.set(this.buffer.subarray(0, this.size));
    this.buffer = grown;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.size++] = value & 0xff;
  }

  bytes(...values: number[]): void {
    for (const value of values) this.byte(value);
  }

  u32(value: number): void {
    this.ensure(4);
    const b = this.buffer;
    const at = this.size;
    b[at] = value & 0xff;
    b[at + 1] = (value >>> 8) & 0xff;
    b[at + 2] = (value >>> 16) & 0xff;
    b[at + 3] = (value >>> 24) & 0xff;
    this.size += 4;
  }

  private patch32(at: number, value: number): void {
    const b = this.buffer;
    b[at] = value & 0xff;
    b[at + 1] = (value >>> 8) & 0xff;
    b[at + 2] = (value >>> 16) & 0xff;
    b[at + 3] = (value >>> 24) & 0xff;
  }

  u64(value: bigint): void {
    const low = Number(value & 0xffff_ffffn);
    const high = Number((value >> 32n) & 0xffff_ffffn);
    this.u32(low);
    this.u32(high);
  }

  patchByte(at: number, value: number): void {
    this.buffer[at] = value & 0xff;
  }

  /** Overwrites the 32-bit field at `at` (a frame size known only at the end). */
  patchU32(at: number, value: number): void {
    this.patch32(at, value);
  }

  // ---- labels

  newLabel(): Label {
    this.labels.push(-1);
    return this.labels.length - 1;
  }

  bind(label: Label): void {
    if (this.labels[label] !== -1) throw new Error(`internal error: label ${label} bound twice`);
    this.labels[label] = this.size;
  }

  private rel32(label: Label): void {
    this.fixups.push(this.size, label);
    this.u32(0);
  }

  jmp(label: Label): void {
    this.byte(0xe9);
    this.rel32(label);
  }

  jcc(cond: Cond, label: Label): void {
    this.bytes(0x0f, 0x80 | cond);
    this.rel32(label);
  }

  /** A 32-bit entry of a jump table starting at `tableStart`: label − tableStart. */
  tableEntry(label: Label, tableStart: number): void {
    this.tableFixups.push(this.size, label, tableStart);
    this.u32(0);
  }

  /** The code, every label resolved. */
  finish(): Uint8Array {
    const { fixups, tableFixups, labels } = this;
    for (let i = 0; i < fixups.length; i += 2) {
      const target = labels[fixups[i + 1]];
      if (target < 0) throw new Error('internal error: a jump to a label never bound');
      this.patch32(fixups[i], target - (fixups[i] + 4));
    }
    for (let i = 0; i < tableFixups.length; i += 3) {
      const target = labels[tableFixups[i + 1]];
      if (target < 0) throw new Error('internal error: a table entry for a label never bound');
      this.patch32(tableFixups[i], target - tableFixups[i + 2]);
    }
    return this.buffer.slice(0, this.size);
  }

  align(alignment: number): void {
    while (this.size % alignment !== 0) this.byte(0xcc);
  }

  // ---- encoding

  /** REX prefix if any of its bits (or a byte register above bl) needs it. */
  private rex(w: boolean, reg: number, index: number, base: number, force = false): void {
    const value = 0x40 | (w ? 8 : 0) | ((reg & 8) >> 1) | ((index & 8) >> 2) | ((base & 8) >> 3);
    if (value !== 0x40 || force) this.byte(value);
  }

  /** ModRM (+ SIB + displacement) for register field `reg` and memory operand `m`. */
  private modrmMem(reg: number, m: Mem): void {
    const base = m.base & 7;
    const disp = m.disp;
    const needsSib = m.index !== undefined || base === 4;
    let mod: number;
    if (disp === 0 && base !== 5) mod = 0;
    else if (disp >= -128 && disp <= 127) mod = 1;
    else mod = 2;
    if (needsSib) {
      this.byte((mod << 6) | ((reg & 7) << 3) | 4);
      const index = m.index === undefined ? 4 : m.index & 7;
      const scale = m.index === undefined ? 0 : SCALE_BITS[m.scale ?? 1];
      this.byte((scale << 6) | (index << 3) | base);
    } else {
      this.byte((mod << 6) | ((reg & 7) << 3) | base);
    }
    if (mod === 1) this.byte(disp);
    else if (mod === 2) this.u32(disp);
  }

  /** The opcode bytes, given as one number (0x8b, 0x0faf, 0x0f3a0b: big-endian, no leading zero byte). */
  private opcode(opcode: number): void {
    if (opcode > 0xffff) this.byte(opcode >> 16);
    if (opcode > 0xff) this.byte(opcode >> 8);
    this.byte(opcode);
  }

  /** [prefix] [REX] opcode ModRM(reg, m): the general memory form. */
  opMem(prefix: number, w: boolean, opcode: number, reg: number, m: Mem, byteReg = false): void {
    if (m.index === R.Rsp) throw new Error('internal error: rsp cannot be an index');
    if (prefix !== 0) this.byte(prefix);
    this.rex(w, reg, m.index ?? 0, m.base, byteReg && reg >= 4);
    this.opcode(opcode);
    this.modrmMem(reg, m);
  }

  /** [prefix] [REX] opcode ModRM(reg, rm) with a register operand. */
  opReg(prefix: number, w: boolean, opcode: number, reg: number, rm: number, byteRegs = false): void {
    if (prefix !== 0) this.byte(prefix);
    this.rex(w, reg, 0, rm, byteRegs && (reg >= 4 || rm >= 4));
    this.opcode(opcode);
    this.byte(0xc0 | ((reg & 7) << 3) | (rm & 7));
  }

  // ---- general-purpose instructions

  push(r: R): void {
    if (r >= 8) this.byte(0x41);
    this.byte(0x50 + (r & 7));
  }

  pop(r: R): void {
    if (r >= 8) this.byte(0x41);
    this.byte(0x58 + (r & 7));
  }

  ret(): void {
    this.byte(0xc3);
  }

  callReg(r: R): void {
    if (r >= 8) this.byte(0x41);
    this.bytes(0xff, 0xd0 | (r & 7));
  }

  /** call qword [rip + disp32 to `label`] (an entry of an address table in the code). */
  callRipIndirect(label: Label): void {
    this.bytes(0xff, 0x15);
    this.rel32(label);
  }

  jmpReg(r: R): void {
    if (r >= 8) this.byte(0x41);
    this.bytes(0xff, 0xe0 | (r & 7));
  }

  /** mov dst, src (registers). */
  movRR(w: Width, dst: R, src: R): void {
    this.opReg(0, w === 64, 0x89, src, dst);
  }

  /** mov reg, [m] (8/16-bit loads use movzx/movsx instead). */
  load(w: Width, dst: R, m: Mem): void {
    this.opMem(0, w === 64, 0x8b, dst, m);
  }

  /** mov [m], reg with an 8/16/32/64-bit store. */
  store(bits: 8 | 16 | 32 | 64, m: Mem, src: R): void {
    if (bits === 8) this.opMem(0, false, 0x88, src, m, true);
    else if (bits === 16) this.opMem(0x66, false, 0x89, src, m);
    else this.opMem(0, bits === 64, 0x89, src, m);
  }

  /** mov [m], imm32 (sign-extended to 64 bits when w = 64). */
  storeImm(w: Width, m: Mem, imm: number): void {
    this.opMem(0, w === 64, 0xc7, 0, m);
    this.u32(imm);
  }

  /** movzx/movsx dst, byte/word [m]; 32-bit movsxd for 32-bit sources (w = 64). */
  loadExtend(w: Width, dst: R, m: Mem, bits: 8 | 16 | 32, signed: boolean): void {
    if (bits === 32) {
      if (signed) this.opMem(0, true, 0x63, dst, m);
      else this.opMem(0, false, 0x8b, dst, m);
      return;
    }
    const opcode = bits === 8 ? (signed ? 0xbe : 0xb6) : signed ? 0xbf : 0xb7;
    this.opMem(0, w === 64 && signed, 0x0f00 | (opcode), dst, m);
  }

  /** movsx/movzx between registers (8/16/32-bit source). */
  extendReg(w: Width, dst: R, src: R, bits: 8 | 16 | 32, signed: boolean): void {
    if (bits === 32) {
      if (signed) this.opReg(0, true, 0x63, dst, src);
      else this.movRR(32, dst, src);
      return;
    }
    const opcode = bits === 8 ? (signed ? 0xbe : 0xb6) : signed ? 0xbf : 0xb7;
    this.opReg(0, w === 64 && signed, 0x0f00 | (opcode), dst, src, bits === 8);
  }

  /** mov reg, imm (the shortest form: 32-bit zero-extended, sign-extended or 64-bit). */
  movImm(dst: R, value: bigint): void {
    const v = BigInt.asUintN(64, value);
    if (v <= 0xffff_ffffn) {
      if (dst >= 8) this.byte(0x41);
      this.byte(0xb8 + (dst & 7));
      this.u32(Number(v));
    } else if (BigInt.asIntN(64, v) >= -0x8000_0000n && BigInt.asIntN(64, v) < 0) {
      this.opReg(0, true, 0xc7, 0, dst);
      this.u32(Number(v & 0xffff_ffffn));
    } else {
      this.byte(0x48 | ((dst & 8) >> 3));
      this.byte(0xb8 + (dst & 7));
      this.u64(v);
    }
  }

  /** mov r32, imm32 (zero-extends into the 64-bit register). */
  movImm32(dst: R, value: number): void {
    if (dst >= 8) this.byte(0x41);
    this.byte(0xb8 + (dst & 7));
    this.u32(value);
  }

  /** mov reg, the 64-bit value hi:lo (two int32 halves), in its shortest form. */
  movImm64(dst: R, lo: number, hi: number): void {
    if (hi === 0) {
      this.movImm32(dst, lo);
    } else if (hi === -1 && lo < 0) {
      this.opReg(0, true, 0xc7, 0, dst);
      this.u32(lo);
    } else {
      this.byte(0x48 | ((dst & 8) >> 3));
      this.byte(0xb8 + (dst & 7));
      this.u32(lo);
      this.u32(hi);
    }
  }

  lea(dst: R, m: Mem): void {
    this.opMem(0, true, 0x8d, dst, m);
  }

  /** lea dst, [rip + disp32 to `label`] (the label must come later or be bound). */
  leaRip(dst: R, label: Label): void {
    this.byte(0x48 | ((dst & 8) >> 1));
    this.bytes(0x8d, 0x05 | ((dst & 7) << 3));
    this.rel32(label);
  }

  /** ALU op with a register source: add 0x01, or 0x09, and 0x21, sub 0x29, xor 0x31, cmp 0x39, test 0x85. */
  aluRR(w: Width, opcode: number, dst: R, src: R): void {
    this.opReg(0, w === 64, opcode, src, dst);
  }

  /** ALU op reg, [m]: add 0x03, or 0x0b, and 0x23, sub 0x2b, xor 0x33, cmp 0x3b. */
  aluRM(w: Width, opcode: number, dst: R, m: Mem): void {
    this.opMem(0, w === 64, opcode, dst, m);
  }

  /** ALU op with an imm32 on a register: /digit (add 0, or 1, and 4, sub 5, xor 6, cmp 7). */
  aluRI(w: Width, digit: number, dst: R, imm: number): void {
    if (imm >= -128 && imm <= 127) {
      this.opReg(0, w === 64, 0x83, digit, dst);
      this.byte(imm);
    } else {
      this.opReg(0, w === 64, 0x81, digit, dst);
      this.u32(imm);
    }
  }

  /** ALU op with an imm32 on memory: /digit as aluRI. */
  aluMI(w: Width, digit: number, m: Mem, imm: number): void {
    if (imm >= -128 && imm <= 127) {
      this.opMem(0, w === 64, 0x83, digit, m);
      this.byte(imm);
    } else {
      this.opMem(0, w === 64, 0x81, digit, m);
      this.u32(imm);
    }
  }

  /** imul dst, src. */
  imulRR(w: Width, dst: R, src: R): void {
    this.opReg(0, w === 64, 0xfaf, dst, src);
  }

  /** F7 /digit on a register: not 2, neg 3, mul 4, div 6, idiv 7. */
  unaryF7(w: Width, digit: number, r: R): void {
    this.opReg(0, w === 64, 0xf7, digit, r);
  }

  /** Shift or rotate by cl: D3 /digit (rol 0, ror 1, shl 4, shr 5, sar 7). */
  shiftCl(w: Width, digit: number, r: R): void {
    this.opReg(0, w === 64, 0xd3, digit, r);
  }

  /** Shift by an immediate: C1 /digit ib. */
  shiftImm(w: Width, digit: number, r: R, count: number): void {
    this.opReg(0, w === 64, 0xc1, digit, r);
    this.byte(count);
  }

  /** cdq (32) / cqo (64): sign-extend eax/rax into edx/rdx. */
  signExtendAxToDx(w: Width): void {
    if (w === 64) this.byte(0x48);
    this.byte(0x99);
  }

  setcc(cond: Cond, r8: R): void {
    this.opReg(0, false, 0x0f00 | (0x90 | cond), 0, r8, true);
  }

  cmov(w: Width, cond: Cond, dst: R, src: R): void {
    this.opReg(0, w === 64, 0x0f00 | (0x40 | cond), dst, src);
  }

  /** lzcnt / tzcnt / popcnt dst, src (F3 0F BD / BC / B8). */
  bitCount(w: Width, opcode: 0xbd | 0xbc | 0xb8, dst: R, src: R): void {
    this.opReg(0xf3, w === 64, 0x0f00 | (opcode), dst, src);
  }

  /** bt{r,c,s} r/m, imm8: 0F BA /digit (bts 5, btr 6, btc 7). */
  bitTestImm(w: Width, digit: number, r: R, bit: number): void {
    this.opReg(0, w === 64, 0xfba, digit, r);
    this.byte(bit);
  }

  /** mov dst, qword fs:[disp32] (the thread's ThreadLimits, initial-exec TLS). */
  loadFsAbsolute(dst: R, disp: number): void {
    this.byte(0x64);
    this.byte(0x48 | ((dst & 8) >> 1));
    this.bytes(0x8b, 0x04 | ((dst & 7) << 3), 0x25);
    this.u32(disp);
  }

  // ---- SSE (scalar f32 in the low 32 bits, f64 in the low 64 bits)

  /** movss/movsd xmm, [m]. */
  loadXmm(double: boolean, xmm: number, m: Mem): void {
    this.opMem(double ? 0xf2 : 0xf3, false, 0xf10, xmm, m);
  }

  /** movss/movsd [m], xmm. */
  storeXmm(double: boolean, m: Mem, xmm: number): void {
    this.opMem(double ? 0xf2 : 0xf3, false, 0xf11, xmm, m);
  }

  /** Scalar arithmetic xmm, xmm: add 0x58, mul 0x59, sub 0x5c, min 0x5d, div 0x5e, max 0x5f, sqrt 0x51. */
  sseRR(double: boolean, opcode: number, dst: number, src: number): void {
    this.opReg(double ? 0xf2 : 0xf3, false, 0x0f00 | (opcode), dst, src);
  }

  /** Scalar arithmetic xmm, [m] (as sseRR). */
  sseRM(double: boolean, opcode: number, dst: number, m: Mem): void {
    this.opMem(double ? 0xf2 : 0xf3, false, 0x0f00 | (opcode), dst, m);
  }

  /** movaps dst, src (a whole-register copy). */
  movXmm(dst: number, src: number): void {
    this.opReg(0, false, 0xf28, dst, src);
  }

  /** ucomiss/ucomisd a, b. */
  ucomis(double: boolean, a: number, b: number): void {
    this.opReg(double ? 0x66 : 0, false, 0xf2e, a, b);
  }

  /** andps/orps/xorps (packed bitwise, on the whole register): and 0x54, or 0x56, xor 0x57. */
  bitwisePs(opcode: 0x54 | 0x56 | 0x57, dst: number, src: number): void {
    this.opReg(0, false, 0x0f00 | (opcode), dst, src);
  }

  /** cvtsi2ss/cvtsi2sd xmm, r32/r64. */
  cvtIntToFloat(double: boolean, w: Width, xmm: number, r: R): void {
    this.opReg(double ? 0xf2 : 0xf3, w === 64, 0xf2a, xmm, r);
  }

  /** cvttss2si/cvttsd2si r32/r64, xmm (truncating). */
  cvtFloatToInt(double: boolean, w: Width, r: R, xmm: number): void {
    this.opReg(double ? 0xf2 : 0xf3, w === 64, 0xf2c, r, xmm);
  }

  /** cvtss2sd (toDouble) / cvtsd2ss. */
  cvtFloatWidth(toDouble: boolean, dst: number, src: number): void {
    this.opReg(toDouble ? 0xf3 : 0xf2, false, 0xf5a, dst, src);
  }

  /** roundss/roundsd xmm, xmm, mode (SSE4.1; mode 0 nearest, 1 down, 2 up, 3 toward zero; precision exceptions off). */
  round(double: boolean, dst: number, src: number, mode: number): void {
    this.opReg(0x66, false, double ? 0x0f3a0b : 0x0f3a0a, dst, src);
    this.byte(mode | 8);
  }

  /** movd/movq xmm, r32/r64. */
  movToXmm(w: Width, xmm: number, r: R): void {
    this.opReg(0x66, w === 64, 0xf6e, xmm, r);
  }

  /** movd/movq r32/r64, xmm. */
  movFromXmm(w: Width, r: R, xmm: number): void {
    this.opReg(0x66, w === 64, 0xf7e, xmm, r);
  }
}
