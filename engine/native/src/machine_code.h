// Machine code the runtime writes itself, without LLVM: the signature trampolines of
// engine/compile/signature-trampolines.ts (x86-64 System V), in pages of their own.
#pragma once

#include <napi.h>

namespace wasm_native {

/** Exports installMachineCode and hostCallAddress. */
void InitMachineCodeBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
