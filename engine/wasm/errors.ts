// Stage: all stages. The error classes of the JavaScript API (WebAssembly JS API §5,
// "Error objects"): CompileError for decoding and validation, LinkError for instantiation,
// RuntimeError for traps. Messages follow wasmparser's form: "<problem> (at offset 0x1f)".

/** Formats a byte offset the way every engine error in this project names it. */
export function formatOffset(offset: number): string {
  return `0x${offset.toString(16)}`;
}

/**
 * A module failed to decode (malformed) or to validate (invalid), or its compile was
 * stopped by a limit (a deadline, an abort). `offset` is the absolute byte offset in the
 * module where the problem was found, or -1 when it is not at one place (then the message
 * has no offset); `problem` is the message without it.
 */
export class CompileError extends Error {
  override readonly name = 'CompileError';
  readonly offset: number;
  readonly problem: string;

  constructor(problem: string, offset = -1, options?: { cause?: unknown }) {
    super(offset >= 0 ? `${problem} (at offset ${formatOffset(offset)})` : problem, options);
    this.offset = offset;
    this.problem = problem;
  }
}

/** Instantiation failed: an import is missing or has the wrong type (JS API §5). */
export class LinkError extends Error {
  override readonly name = 'LinkError';
}

/** A trap, with the spec's message ("integer divide by zero", ...). */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
}
