// Stage: translation (WebAssembly → LLVM IR). Constant operands as bits: the translator
// writes constants as text (`-7`, `bitcast (i32 2143289344 to float)`, a `<16 x i8>` byte
// literal), and a few decisions depend on their value — whether float arithmetic with a
// constant may be folded by LLVM to a value that no longer depends on the other operand
// (a NaN operand: x + NaN is NaN, so a load feeding x could be deleted, see load-liveness.ts),
// or whether a constant lane is an identity (emit-simd-float.ts). Text the functions here
// cannot read counts as "may be anything".

/** A byte as a signed i8 literal. */
function byteLiteral(byte: number): number {
  return (byte << 24) >> 24;
}

/** The `<16 x i8>` literal of sixteen bytes (`zeroinitializer` when all are zero). */
export function v128Literal(bytes: Uint8Array): string {
  if (bytes.every((byte) => byte === 0)) return 'zeroinitializer';
  return `<${Array.from(bytes, (byte) => `i8 ${byteLiteral(byte)}`).join(', ')}>`;
}

/** The sixteen bytes of a v128 constant the translator wrote (v128Literal), else undefined. */
export function v128ConstantBytes(text: string): Uint8Array | undefined {
  if (text === 'zeroinitializer') return new Uint8Array(16);
  const match = /^<((?:i8 -?\d+, ){15}i8 -?\d+)>$/.exec(text);
  if (match === null) return undefined;
  return Uint8Array.from(match[1].split(', '), (lane) => Number(lane.slice(3)) & 0xff);
}

/**
 * The raw bits, little-endian, of a scalar constant as the translator writes them (i32/i64
 * decimal, f32Constant/f64Constant text), `bytes` long; undefined for any other text.
 */
export function scalarConstantBytes(text: string, bytes: number): Uint8Array | undefined {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  let bits: bigint;
  if (text === '0.0') return out;
  if (/^-?\d+$/.test(text)) {
    bits = BigInt(text);
  } else {
    const match = /^bitcast \(i(?:32|64) (u0x[0-9a-f]+|-?\d+) to (?:float|double)\)$/.exec(text);
    if (match === null) return undefined;
    bits = match[1].startsWith('u0x') ? BigInt(`0x${match[1].slice(3)}`) : BigInt(match[1]);
  }
  if (bytes === 8) view.setBigUint64(0, BigInt.asUintN(64, bits), true);
  else if (bytes === 4) view.setUint32(0, Number(BigInt.asUintN(32, bits)), true);
  else if (bytes === 2) view.setUint16(0, Number(BigInt.asUintN(16, bits)), true);
  else out[0] = Number(BigInt.asUintN(8, bits));
  return out;
}

/** Whether constant operand text, of a float type whose lanes are `laneBits` wide, may hold a NaN. */
export function mayBeNaNConstant(text: string, laneBits: 32 | 64, vector: boolean): boolean {
  const bytes = vector ? v128ConstantBytes(text) : scalarConstantBytes(text, laneBits / 8);
  if (bytes === undefined) return true;
  const view = new DataView(bytes.buffer);
  for (let offset = 0; offset < bytes.length; offset += laneBits / 8) {
    const lane = laneBits === 32 ? view.getFloat32(offset, true) : view.getFloat64(offset, true);
    if (Number.isNaN(lane)) return true;
  }
  return false;
}
