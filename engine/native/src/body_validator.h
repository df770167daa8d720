// Validation of function bodies in C++ (body_validator.cc): the binding's registration.
#pragma once

#include <napi.h>

namespace wasm_native {

void InitBodyValidatorBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
