// Baseline compile in C++ (baseline_binding.cc): the binding's registration.
#pragma once

#include <napi.h>

namespace wasm_native {

void InitBaselineBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
