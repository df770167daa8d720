// Tables' native storage: a TableDefinition whose 8-byte elements live in a realloc'd array.
#pragma once

#include <napi.h>

#include <cstdint>

namespace wasm_native {

struct TableDefinition;

/**
 * A new Table object, as `new Table(initial, maximum, 0n)` makes from JavaScript (maximum
 * -1: none); *definition is its TableDefinition. An empty object, with the constructor's
 * exception pending, on failure.
 */
Napi::Object NewTableObject(Napi::Env env, uint32_t initial, int64_t maximum, TableDefinition** definition);

/** Exports Table. */
void InitTableBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
