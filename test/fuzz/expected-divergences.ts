// Stage: differential fuzzing. Inputs V8 accepts and we reject because they use a post-2.0
// feature that Node 20's V8 enables with no flag to turn it off (see v8-oracle.ts). We
// recognise them from where our CompileError points: an exception-handling or atomics
// opcode, the tag section, a tag import/export, or shared-memory limits flags.

import { CompileError } from '../../engine/errors.js';

export type ExpectedDivergence = 'exception-handling' | 'threads';

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
  return undefined;
}
