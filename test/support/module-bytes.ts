// Stage: test support (used only by the *.test.ts files). Builds WebAssembly binaries byte by byte for unit tests of the
// decoder and validator (Core spec §5 encodings), so each test shows the exact bytes it feeds.

export function u32(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function s32(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...u32(bytes.length), ...bytes];
}

export function vector(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

export function section(id: number, content: number[]): number[] {
  return [id, ...u32(content.length), ...content];
}

export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function moduleBytes(...sections: number[][]): Uint8Array {
  return new Uint8Array([...HEADER, ...sections.flat()]);
}

/** A code-section entry: local declarations ([count, type] pairs) and instruction bytes (add the final 0x0b yourself). */
export function body(locals: [number, number][], code: number[]): number[] {
  const content = [...vector(locals.map(([count, type]) => [...u32(count), type])), ...code];
  return [...u32(content.length), ...content];
}

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;

export function functionType(params: number[], results: number[]): number[] {
  return [0x60, ...vector(params.map((p) => [p])), ...vector(results.map((r) => [r]))];
}

/**
 * A module with one type `params -> results`, one function of that type with `locals` and
 * `code` (ending in 0x0b), plus any extra sections placed in order by id.
 */
export function singleFunctionModule(
  params: number[],
  results: number[],
  code: number[],
  options: { locals?: [number, number][]; memory?: boolean; table?: boolean; extraTypes?: number[][] } = {},
): Uint8Array {
  const sections: number[][] = [section(1, vector([functionType(params, results), ...(options.extraTypes ?? [])])), section(3, vector([[0]]))];
  if (options.table) sections.push(section(4, vector([[FUNCREF, 0x00, 1]])));
  if (options.memory) sections.push(section(5, vector([[0x00, 1]])));
  sections.push(section(10, vector([body(options.locals ?? [], code)])));
  return moduleBytes(...sections);
}
