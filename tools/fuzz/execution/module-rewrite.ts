// Stage: differential execution fuzzing. Rewriting the function bodies of a valid module
// operator by operator (v128-denan.ts, simd-swaps.ts): sections are reframed, bodies get
// their new sizes, and types and functions may be appended (so no existing index moves).

import { decodeModule } from '../../../engine/binary/decode-module.js';
import { Operator, OperatorReader } from '../../../engine/binary/operator-reader.js';
import type { ModuleInfo } from '../../../engine/binary/module-info.js';
import { u32 } from '../../../test/support/module-bytes.js';

interface Section {
  id: number;
  /** Start of the section (its id byte), of its contents, and its end. */
  headerStart: number;
  start: number;
  end: number;
}

function readU32(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, pos];
  }
}

function sectionsOf(bytes: Uint8Array): Section[] {
  const sections: Section[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const [size, start] = readU32(bytes, pos + 1);
    sections.push({ id: bytes[pos], headerStart: pos, start, end: start + size });
    pos = start + size;
  }
  return sections;
}

export function concat(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** A vector section's contents with `extra` entries appended (the count rewritten). */
function appendEntries(bytes: Uint8Array, section: Section, extraCount: number, extra: readonly number[]): Uint8Array {
  const [count, entriesStart] = readU32(bytes, section.start);
  return concat([u32(count + extraCount), bytes.subarray(entriesStart, section.end), extra]);
}

function framed(id: number, contents: Uint8Array): Uint8Array {
  return concat([[id], u32(contents.length), contents]);
}

/** The bytes an operator is replaced by, or undefined to keep it. */
export type OperatorRewrite = (operator: Operator, encoded: Uint8Array) => Uint8Array | readonly number[] | undefined;

/** What a rewrite appends after the module's own types and functions. */
export interface Appended {
  /** Encoded function types (0x60 ...). */
  types: (readonly number[])[];
  /** Per function: its type index and its code entry (size, locals, body). */
  functions: { type: number; code: readonly number[] }[];
}

/**
 * `bytes` with every operator of every body passed to `rewrite`, and `appended()` (asked
 * after the bodies, so the rewrite can decide what it needs) added; `bytes` itself when
 * nothing changed. A module without a type, function or code section is returned as is.
 */
export function rewriteOperators(
  bytes: Uint8Array,
  rewrite: (module: ModuleInfo) => { operator: OperatorRewrite; appended: () => Appended },
): Uint8Array {
  const module = decodeModule(bytes);
  const sections = sectionsOf(bytes);
  const typeSection = sections.find((section) => section.id === 1);
  const functionSection = sections.find((section) => section.id === 3);
  const codeSection = sections.find((section) => section.id === 10);
  if (typeSection === undefined || functionSection === undefined || codeSection === undefined) return bytes;
  const { operator: rewriteOperator, appended } = rewrite(module);
  const operator = new Operator();
  let changed = false;
  const bodies: Uint8Array[] = [];
  for (const body of module.functionBodies) {
    const parts: (Uint8Array | readonly number[])[] = [];
    const reader = new OperatorReader(bytes, body.codeStart, body.end);
    let copiedUpTo = body.start;
    while (!reader.atEnd()) {
      const start = reader.pos;
      reader.read(operator);
      const replacement = rewriteOperator(operator, bytes.subarray(start, reader.pos));
      if (replacement === undefined) continue;
      parts.push(bytes.subarray(copiedUpTo, start), replacement);
      copiedUpTo = reader.pos;
      changed = true;
    }
    parts.push(bytes.subarray(copiedUpTo, body.end));
    const contents = concat(parts);
    bodies.push(concat([u32(contents.length), contents]));
  }
  const extra = appended();
  if (!changed && extra.types.length === 0 && extra.functions.length === 0) return bytes;
  const replaced = new Map<number, Uint8Array>([
    [1, framed(1, appendEntries(bytes, typeSection, extra.types.length, extra.types.flat()))],
    [3, framed(3, appendEntries(bytes, functionSection, extra.functions.length, extra.functions.flatMap((entry) => u32(entry.type))))],
    [10, framed(10, concat([u32(module.functionBodies.length + extra.functions.length), ...bodies, ...extra.functions.map((entry) => entry.code)]))],
  ]);
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  for (const section of sections) parts.push(replaced.get(section.id) ?? bytes.subarray(section.headerStart, section.end));
  return concat(parts);
}
