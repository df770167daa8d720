// Code cache lookups off the JavaScript thread (engine/compile/code-cache.ts,
// docs/RATIONALE.md "Why is a cache lookup started before the module is decoded?").
#pragma once

#include <napi.h>

namespace wasm_native {

void InitCacheLookupBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
