// Stage: compile (machine code without LLVM). The few x86-64 instructions the signature
// trampolines (signature-trampolines.ts) are made of, encoded by
// hand (Intel SDM vol. 2: REX prefixes, ModRM with a 32-bit displacement, SIB for rsp).
// Memory operands are always [base + disp32]: one form, no special cases but rsp/r12's SIB.

/** General-purpose registers by their encoding number. */
export const enum Gpr {
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
}

/** An XMM register number (0-15). */
export type Xmm = number;

export class X64Assembler {
  private readonly bytes: number[] = [];

  get length(): number {
    return this.bytes.length;
  }

  /** The code so far. */
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  /** Pads with int3 up to a multiple of `alignment`. */
  align(alignment: number): void {
    while (this.bytes.length % alignment !== 0) this.bytes.push(0xcc);
  }

  push(register: Gpr): void {
    if (register >= 8) this.bytes.push(0x41);
    this.bytes.push(0x50 + (register & 7));
  }

  pop(register: Gpr): void {
    if (register >= 8) this.bytes.push(0x41);
    this.bytes.push(0x58 + (register & 7));
  }

  ret(): void {
    this.bytes.push(0xc3);
  }

  /** `call register`. */
  call(register: Gpr): void {
    if (register >= 8) this.bytes.push(0x41);
    this.bytes.push(0xff, 0xd0 | (register & 7));
  }

  /** `sub rsp, bytes` (nothing for 0). */
  subtractFromRsp(bytes: number): void {
    if (bytes === 0) return;
    this.bytes.push(0x48, 0x81, 0xec);
    this.int32(bytes);
  }

  /** `add rsp, bytes` (nothing for 0). */
  addToRsp(bytes: number): void {
    if (bytes === 0) return;
    this.bytes.push(0x48, 0x81, 0xc4);
    this.int32(bytes);
  }

  /** `mov destination, source` (64-bit). */
  move64(destination: Gpr, source: Gpr): void {
    this.rex(true, source, destination);
    this.bytes.push(0x89, 0xc0 | ((source & 7) << 3) | (destination & 7));
  }

  /** `mov r32, r32`: clears the upper 32 bits of `register`. */
  zeroExtend32(register: Gpr): void {
    this.rex(false, register, register);
    this.bytes.push(0x89, 0xc0 | ((register & 7) << 3) | (register & 7));
  }

  /** `mov destination, imm64`. */
  moveImmediate64(destination: Gpr, value: bigint): void {
    this.rex(true, 0, destination);
    this.bytes.push(0xb8 + (destination & 7));
    for (let i = 0n; i < 8n; i++) this.bytes.push(Number((value >> (8n * i)) & 0xffn));
  }

  /** `mov destination, qword [base + displacement]`. */
  load64(destination: Gpr, base: Gpr, displacement: number): void {
    this.rex(true, destination, base);
    this.bytes.push(0x8b);
    this.memory(destination, base, displacement);
  }

  /** `mov destination32, dword [base + displacement]` (clears the upper half). */
  load32(destination: Gpr, base: Gpr, displacement: number): void {
    this.rex(false, destination, base);
    this.bytes.push(0x8b);
    this.memory(destination, base, displacement);
  }

  /** `mov qword [base + displacement], source`. */
  store64(base: Gpr, displacement: number, source: Gpr): void {
    this.rex(true, source, base);
    this.bytes.push(0x89);
    this.memory(source, base, displacement);
  }

  /** `movss` (4 bytes) or `movsd` (8 bytes) `xmm, [base + displacement]`. */
  loadFloat(bytes: 4 | 8, destination: Xmm, base: Gpr, displacement: number): void {
    this.bytes.push(bytes === 4 ? 0xf3 : 0xf2);
    this.rex(false, destination, base);
    this.bytes.push(0x0f, 0x10);
    this.memory(destination, base, displacement);
  }

  /** `movss` (4 bytes) or `movsd` (8 bytes) `[base + displacement], xmm`. */
  storeFloat(bytes: 4 | 8, base: Gpr, displacement: number, source: Xmm): void {
    this.bytes.push(bytes === 4 ? 0xf3 : 0xf2);
    this.rex(false, source, base);
    this.bytes.push(0x0f, 0x11);
    this.memory(source, base, displacement);
  }

  /** `movd destination32, xmm`: the low 32 bits, upper half of `destination` cleared. */
  moveXmmLow32(destination: Gpr, source: Xmm): void {
    this.bytes.push(0x66);
    this.rex(false, source, destination);
    this.bytes.push(0x0f, 0x7e, 0xc0 | ((source & 7) << 3) | (destination & 7));
  }

  private rex(wide: boolean, reg: number, rm: number): void {
    const rex = 0x40 | (wide ? 8 : 0) | (((reg >> 3) & 1) << 2) | ((rm >> 3) & 1);
    if (rex !== 0x40) this.bytes.push(rex);
  }

  /** ModRM (mod 10: disp32) for [base + displacement], with the SIB byte rsp and r12 need. */
  private memory(reg: number, base: Gpr, displacement: number): void {
    this.bytes.push(0x80 | ((reg & 7) << 3) | (base & 7));
    if ((base & 7) === 4) this.bytes.push(0x24);
    this.int32(displacement);
  }

  private int32(value: number): void {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new Error(`internal error: ${value} is not a 32-bit immediate`);
    for (let i = 0; i < 4; i++) this.bytes.push((value >>> (8 * i)) & 0xff);
  }
}
