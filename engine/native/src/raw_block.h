// Raw blocks: zeroed, 16-byte aligned native allocations with a stable address, visible to
// JavaScript as an external ArrayBuffer (vmctx, VMFuncRef arrays, host contexts, globals …).
#pragma once

#include <napi.h>

namespace wasm_native {

/** Exports allocate. */
void InitRawBlockBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
