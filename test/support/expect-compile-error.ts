// Stage: test support. Runs a function that must throw a CompileError and returns it.
import { CompileError } from '../../engine/wasm/errors.js';

export function compileErrorOf(run: () => unknown): CompileError {
  try {
    run();
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw new Error(`expected a CompileError, got ${String(error)}`);
  }
  throw new Error('expected a CompileError, but nothing was thrown');
}
