// JavaScript face of the LLVM back end: compile, compileAsync (libuv thread pool), the
// CompiledCode class that owns generated code, and host/LLVM information.
#pragma once

#include <napi.h>

namespace wasm_native {

/** Exports compile, compileAsync, CompiledCode, llvmVersion, hostCpuName, hostCpuFeatures. */
void InitCompileBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
