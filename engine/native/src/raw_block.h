// Raw blocks: zeroed, 16-byte aligned native allocations with a stable address, visible to
// JavaScript as an external ArrayBuffer (vmctx, VMFuncRef arrays, host contexts, globals …).
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace wasm_native {

/**
 * A new raw block of `bytes` zeroed bytes as { address: bigint, buffer: ArrayBuffer }; *block
 * is its first byte (and *buffer, when given, its ArrayBuffer). An empty value, with a JavaScript exception pending, on failure.
 */
Napi::Value NewRawBlock(Napi::Env env, size_t bytes, uint8_t** block, napi_value* buffer = nullptr);

/** Exports allocate. */
void InitRawBlockBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
