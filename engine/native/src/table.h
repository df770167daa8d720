// Tables' native storage: a TableDefinition whose 8-byte elements live in a realloc'd array.
#pragma once

#include <napi.h>

namespace wasm_native {

/** Exports Table. */
void InitTableBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
