// Instantiation's native part: an instance's vmctx, defined memories and tables, and its
// active segments when they cannot trap, in one call (instance_builder.cc).
#pragma once

#include <napi.h>

namespace wasm_native {

/** Exports buildInstance. */
void InitInstanceBuilderBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
