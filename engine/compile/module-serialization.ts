// Stage: compile. A compiled module as bytes and back (in the manner of Wasmtime's
// Module::serialize / Module::deserialize), built on the code cache's entry format
// (code-cache.ts): what is written is the module's wasm bytes, the options that shaped
// its code, and a code-cache entry of its object code. Reading it back checks the entry
// against the key this process computes for those bytes and options, so bytes written by
// another engine build, LLVM, CPU or thread-pointer layout, or damaged ones, are refused
// with an error that says so; nothing unchecked is ever linked.
//
//   "WLJMODUL" | u32 format | u32 settings length | settings (UTF-8) | u32 wasm length | wasm | entry

import { CompileError } from '../wasm/errors.js';
import { codeKey, decodeEntry, encodeEntry } from './code-cache.js';
import { linkObjectCode, type CompiledModule } from './compiled-module.js';
import type { OptLevel } from '../native/addon.js';

const MAGIC = Buffer.from('WLJMODUL', 'latin1');
const FORMAT_VERSION = 1;

/** The bytes of `compiled`; it must have kept its object code (compile option serializable, or the code cache). */
export function serializeCompiledModule(compiled: CompiledModule): Uint8Array {
  if (compiled.objectCode === undefined) {
    throw new TypeError('this module did not keep its object code: compile it with { serializable: true } (or the code cache) to serialize it');
  }
  const wasm = compiled.info.bytes;
  const settings = Buffer.from(compiled.settings, 'utf8');
  const header = Buffer.alloc(MAGIC.length + 8);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(FORMAT_VERSION, MAGIC.length);
  header.writeUInt32LE(settings.length, MAGIC.length + 4);
  const wasmLength = Buffer.alloc(4);
  wasmLength.writeUInt32LE(wasm.length, 0);
  const entry = encodeEntry(codeKey(wasm, compiled.settings), compiled.objectCode);
  return new Uint8Array(Buffer.concat([header, settings, wasmLength, wasm, entry]));
}

/** A CompiledModule from serializeCompiledModule's bytes; CompileError when they cannot be used here. */
export function deserializeCompiledModule(bytes: Uint8Array): CompiledModule {
  const refuse = (why: string): never => {
    throw new CompileError(`cannot deserialize the module: ${why}`);
  };
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (file.length < MAGIC.length + 12 || !file.subarray(0, MAGIC.length).equals(MAGIC)) refuse('these bytes are not a serialized module');
  if (file.readUInt32LE(MAGIC.length) !== FORMAT_VERSION) refuse('another format version');
  const settingsLength = file.readUInt32LE(MAGIC.length + 4);
  let offset = MAGIC.length + 8;
  if (offset + settingsLength + 4 > file.length) refuse('truncated');
  const settings = file.subarray(offset, offset + settingsLength).toString('utf8');
  offset += settingsLength;
  const wasmLength = file.readUInt32LE(offset);
  offset += 4;
  if (offset + wasmLength > file.length) refuse('truncated');
  const wasm = new Uint8Array(file.subarray(offset, offset + wasmLength));
  offset += wasmLength;
  const options = parseSettings(settings) ?? refuse(`unknown settings "${settings}"`);
  const entry = decodeEntry(Buffer.from(file.subarray(offset)), codeKey(wasm, settings));
  if (entry === undefined) refuse('damaged, or written by another engine build, LLVM, CPU or configuration');
  return linkObjectCode(wasm, options, entry!, undefined, 'off') ?? refuse('the JIT could not link its object code');
}

function parseSettings(settings: string): { optLevel: OptLevel; cpu: 'native' | 'generic'; exactTraps: boolean } | undefined {
  const match = /^optLevel=([0-3]) cpu=(native|generic) exactTraps=(true|false)$/.exec(settings);
  if (match === null) return undefined;
  return { optLevel: Number(match[1]) as OptLevel, cpu: match[2] as 'native' | 'generic', exactTraps: match[3] === 'true' };
}
