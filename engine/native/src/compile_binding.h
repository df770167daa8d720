// JavaScript face of the LLVM back end: compile, compileAsync (the addon's compile threads,
// compile_pool.h), the CompiledCode class that owns generated code, CompileCancellation,
// and host/LLVM information.
#pragma once

#include <napi.h>

namespace wasm_native {

/** Exports compile, compileAsync, CompiledCode, CompileCancellation, compilePoolStats, llvmVersion, hostCpuName, hostCpuFeatures. */
void InitCompileBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
