// Stage: differential fuzzing. Inputs V8 accepts and we reject, for documented reasons:
// - a post-2.0 feature that Node 20's V8 enables with no flag to turn it off (see
//   v8-oracle.ts): an exception-handling or atomics opcode, the tag section, a tag
//   import/export, or shared-memory limits flags;
// - a V8 leniency: V8 reads a block type as an s33 and takes any encoding of -64 as the
//   empty type, so `c0 7f` (two bytes) passes; the spec's grammar (Core spec §5.4.1,
//   blocktype ::= 0x40 | valtype | s33 with x >= 0) only has the single byte 0x40, and the
//   multi-byte form is malformed. We follow the spec.
// We recognise them from where our CompileError points.

import { CompileError } from '../../engine/wasm/errors.js';
import { BinaryReader } from '../../engine/binary/reader.js';

export type ExpectedDivergence = 'exception-handling' | 'threads' | 'v8-multi-byte-empty-block-type';

export const EXPECTED_DIVERGENCES: readonly ExpectedDivergence[] = ['exception-handling', 'threads', 'v8-multi-byte-empty-block-type'];

const EXCEPTION_HANDLING_OPCODES = new Set([0x06, 0x07, 0x08, 0x09, 0x18, 0x19]);

export function classifyExpectedDivergence(bytes: Uint8Array, error: CompileError): ExpectedDivergence | undefined {
  const byte = bytes[error.offset];
  const problem = error.problem;
  if (problem.startsWith('illegal opcode')) {
    if (EXCEPTION_HANDLING_OPCODES.has(byte)) return 'exception-handling';
    if (byte === 0xfe) return 'threads';
  }
  if (problem === 'malformed section id 13') return 'exception-handling';
  if ((problem === 'malformed import kind 0x4' || problem === 'malformed export kind 0x4') && byte === 0x04) return 'exception-handling';
  if (problem === 'malformed limits flags 0x2' || problem === 'malformed limits flags 0x3') return 'threads';
  if (problem === 'malformed block type') {
    try {
      if (new BinaryReader(bytes, error.offset).readS33() === -64) return 'v8-multi-byte-empty-block-type';
    } catch {
      return undefined;
    }
  }
  return undefined;
}
