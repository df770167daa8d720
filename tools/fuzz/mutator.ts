// Stage: differential fuzzing. A seeded random source and byte-level mutations of wasm
// modules. Mutations that insert or delete bytes inside a section (or inside a function
// body) may rewrite the enclosing size fields, so the result still frames correctly and
// reaches the validator's deeper checks instead of failing at the section header.

import { u32 } from '../../test/support/module-bytes.js';

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A 32-bit unsigned integer (mulberry32). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  below(limit: number): number {
    return limit <= 1 ? 0 : this.next() % limit;
  }

  chance(probability: number): boolean {
    return this.next() / 0x100000000 < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
}

/** Bytes that often change meaning in the binary format. */
const INTERESTING_BYTES = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x1a, 0x1b, 0x1c, 0x20, 0x21,
  0x23, 0x24, 0x25, 0x26, 0x40, 0x41, 0x42, 0x43, 0x44, 0x60, 0x6f, 0x70, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80,
  0xc0, 0xd0, 0xd1, 0xd2, 0xfc, 0xfd, 0xff,
];

function readU32(bytes: Uint8Array, pos: number): { value: number; length: number } | undefined {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    if (pos + i >= bytes.length) return undefined;
    const byte = bytes[pos + i];
    result += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value: result, length: i + 1 };
  }
  return undefined;
}

interface Frame {
  /** Position of the size field, its encoded length and the content range. */
  sizePos: number;
  sizeLength: number;
  start: number;
  end: number;
}

/** The sections of a module (stops at the first one that does not frame). */
function sectionFrames(bytes: Uint8Array): (Frame & { id: number })[] {
  const frames: (Frame & { id: number })[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const size = readU32(bytes, pos + 1);
    if (!size) break;
    const start = pos + 1 + size.length;
    const end = start + size.value;
    if (end > bytes.length) break;
    frames.push({ id, sizePos: pos + 1, sizeLength: size.length, start, end });
    pos = end;
  }
  return frames;
}

/** The function bodies of a code section. */
function bodyFrames(bytes: Uint8Array, section: Frame): Frame[] {
  const frames: Frame[] = [];
  const count = readU32(bytes, section.start);
  if (!count) return frames;
  let pos = section.start + count.length;
  for (let i = 0; i < count.value && pos < section.end; i++) {
    const size = readU32(bytes, pos);
    if (!size) break;
    const start = pos + size.length;
    const end = start + size.value;
    if (end > section.end) break;
    frames.push({ sizePos: pos, sizeLength: size.length, start, end });
    pos = end;
  }
  return frames;
}

function concat(parts: (Uint8Array | number[])[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** Replaces [pos, pos + deleteCount) with `insert`, rewriting enclosing section/body sizes. */
export function spliceWithReframing(bytes: Uint8Array, pos: number, deleteCount: number, insert: Uint8Array): Uint8Array {
  const plain = (): Uint8Array => concat([bytes.subarray(0, pos), insert, bytes.subarray(pos + deleteCount)]);
  const section = sectionFrames(bytes).find((s) => pos >= s.start && pos + deleteCount <= s.end);
  if (!section) return plain();
  const delta = insert.length - deleteCount;
  let content = concat([bytes.subarray(section.start, pos), insert, bytes.subarray(pos + deleteCount, section.end)]);
  if (section.id === 10) {
    const body = bodyFrames(bytes, section).find((b) => pos >= b.start && pos + deleteCount <= b.end);
    if (body) {
      const relative = body.sizePos - section.start;
      content = concat([
        content.subarray(0, relative),
        u32(body.end - body.start + delta),
        content.subarray(relative + body.sizeLength),
      ]);
    }
  }
  return concat([
    bytes.subarray(0, section.sizePos),
    u32(content.length),
    content,
    bytes.subarray(section.end),
  ]);
}

/** Applies one to four random mutations; `donors` supplies material for splices. */
export function mutateModule(input: Uint8Array, random: SeededRandom, donors: readonly Uint8Array[]): Uint8Array {
  let bytes = input;
  const mutations = 1 + random.below(random.chance(0.7) ? 1 : 4);
  for (let m = 0; m < mutations; m++) bytes = mutateOnce(bytes, random, donors);
  return bytes;
}

function mutationPosition(bytes: Uint8Array, random: SeededRandom): number {
  // Prefer the code section, where most of the validator's rules apply.
  if (random.chance(0.6)) {
    const code = sectionFrames(bytes).find((s) => s.id === 10);
    if (code && code.end > code.start) return code.start + random.below(code.end - code.start);
  }
  return 8 + random.below(Math.max(1, bytes.length - 8));
}

function mutateOnce(input: Uint8Array, random: SeededRandom, donors: readonly Uint8Array[]): Uint8Array {
  if (input.length <= 8) return concat([input, [random.pick(INTERESTING_BYTES)]]);
  const pos = Math.min(mutationPosition(input, random), input.length - 1);
  const reframe = random.chance(0.8);
  const splice = (deleteCount: number, insert: Uint8Array): Uint8Array =>
    reframe ? spliceWithReframing(input, pos, Math.min(deleteCount, input.length - pos), insert) : concat([input.subarray(0, pos), insert, input.subarray(pos + deleteCount)]);
  switch (random.below(12)) {
    case 0: {
      const out = input.slice();
      out[pos] ^= 1 << random.below(8);
      return out;
    }
    case 1:
    case 2: {
      const out = input.slice();
      out[pos] = random.pick(INTERESTING_BYTES);
      return out;
    }
    case 3: {
      const out = input.slice();
      out[pos] = random.below(256);
      return out;
    }
    case 4: {
      const out = input.slice();
      out[pos] = (out[pos] + (random.chance(0.5) ? 1 : 255) * (1 + random.below(3))) & 0xff;
      return out;
    }
    case 5: {
      const insert = new Uint8Array(1 + random.below(8));
      for (let i = 0; i < insert.length; i++) insert[i] = random.chance(0.6) ? random.pick(INTERESTING_BYTES) : random.below(256);
      return splice(0, insert);
    }
    case 6:
      return splice(1 + random.below(16), new Uint8Array(0));
    case 7: {
      const length = 1 + random.below(32);
      const from = 8 + random.below(Math.max(1, input.length - 8));
      return splice(0, input.slice(from, from + length));
    }
    case 8:
      return input.slice(0, pos);
    case 9: {
      const donor = random.pick(donors);
      if (!donor || donor.length <= 8) return input;
      const from = 8 + random.below(donor.length - 8);
      return splice(random.below(16), donor.slice(from, from + 1 + random.below(64)));
    }
    case 10: {
      // Overlong or oversized LEB128: a byte becomes a longer encoding of (nearly) the same value.
      const byte = input[pos] & 0x7f;
      const lengths = [2, 3, 5, 6];
      const length = random.pick(lengths);
      const encoding = new Uint8Array(length);
      encoding[0] = byte | 0x80;
      for (let i = 1; i < length - 1; i++) encoding[i] = 0x80;
      encoding[length - 1] = random.chance(0.8) ? 0 : random.pick([0x10, 0x40, 0x70, 0x7f, 0x0f]);
      return splice(1, encoding);
    }
    default: {
      const out = input.slice();
      const length = 1 + random.below(16);
      const from = 8 + random.below(Math.max(1, input.length - 8));
      out.set(input.subarray(from, Math.min(from + length, input.length, from + out.length - pos)), pos);
      return out;
    }
  }
}
