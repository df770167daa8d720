// SIGSEGV/SIGBUS handling: a fault inside a live linear-memory reservation while wasm code
// runs becomes the MemoryOutOfBounds trap; everything else goes to the previous handler.
#pragma once

namespace wasm_native {

/** Installs the process-wide handlers once (later calls do nothing). */
void InstallSignalHandlers();

/** Gives the calling thread an alternate signal stack if it has none (once per thread). */
void EnsureSignalStack();

}  // namespace wasm_native
