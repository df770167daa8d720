// Stage: translation (WebAssembly → LLVM IR). The bytes of IR text being written: a growable
// buffer that strings are copied into as they are produced, so that the text of a module is
// never a rope of millions of small strings to flatten (which, with the garbage it leaves,
// cost more than producing the text). IR text is ASCII except in names an embedder chooses;
// those are written as UTF-8.

import { keepShape } from '../wasm/shape-anchors.js';

const encoder = new TextEncoder();

export class IrText {
  private buffer: Uint8Array;
  length = 0;
  /** Whether everything written was ASCII (the bytes can be decoded as Latin-1, a plain copy). */
  private ascii = true;

  constructor(capacity = 1 << 16) {
    this.buffer = new Uint8Array(capacity);
    keepShape(this);
  }

  private grow(needed: number): void {
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  /** Appends `text`. */
  write(text: string): void {
    const count = text.length;
    let position = this.length;
    if (position + count > this.buffer.length) this.grow(position + count);
    const buffer = this.buffer;
    for (let i = 0; i < count; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) {
        this.length = position;
        this.writeUtf8(text.slice(i));
        return;
      }
      buffer[position++] = code;
    }
    this.length = position;
  }

  private writeUtf8(text: string): void {
    this.ascii = false;
    const bytes = encoder.encode(text);
    if (this.length + bytes.length > this.buffer.length) this.grow(this.length + bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Appends bytes [start, end) of `other`. */
  append(other: IrText, start = 0, end = other.length): void {
    const count = end - start;
    if (this.length + count > this.buffer.length) this.grow(this.length + count);
    this.buffer.set(other.buffer.subarray(start, end), this.length);
    this.length += count;
    if (!other.ascii) this.ascii = false;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
    this.ascii = true;
  }

  get isAscii(): boolean {
    return this.ascii;
  }

  toString(): string {
    return decodeText(this.bytes(), this.ascii);
  }
}

/** UTF-8 bytes to a string; ASCII, the common case, as Latin-1 through Buffer (a copy). */
export function decodeText(bytes: Uint8Array, ascii = false): string {
  const NodeBuffer = (globalThis as { Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: string): string } } }).Buffer;
  if (NodeBuffer !== undefined) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString(ascii ? 'latin1' : 'utf8');
  return new TextDecoder().decode(bytes);
}
