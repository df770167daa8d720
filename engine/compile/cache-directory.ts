// Stage: compile (and start-up). Where the engine keeps what it caches on disk: the code
// cache (code-cache.ts) and the start-up cache of its own JavaScript (startup/). A leaf
// module with no engine imports, so that the start-up loader can read it without loading
// the engine.

import { homedir } from 'node:os';
import { join } from 'node:path';

/** $WASM_LLVM_CACHE_DIR, else $XDG_CACHE_HOME/wasm-llvm-jit, else ~/.cache/wasm-llvm-jit. */
export function defaultCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.WASM_LLVM_CACHE_DIR) return environment.WASM_LLVM_CACHE_DIR;
  const base = environment.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'wasm-llvm-jit');
}
