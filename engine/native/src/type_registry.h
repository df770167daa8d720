// Canonical function-type ids for call_indirect's signature check (Core spec §4.4.8
// call_indirect: "if ft_actual ≠ ft_expect, trap"). Type identity is exact structural
// equality, decided by one process-wide registry that hands out ids: two signatures get
// the same id if and only if their canonical keys are equal strings, never by a hash.
// Every module, instance and worker thread of the process shares the registry, so ids in
// funcrefs from any module compare correctly with any other module's expected ids.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace wasm_native {

/**
 * Interns each key (a signature's canonical text, e.g. "i32,i64:f32") and returns its id,
 * taking one reference per key. Ids are never 0 and never reused within the process, even
 * after every reference to a key is released (a later intern of that key gets a new id).
 * Thread-safe.
 */
std::vector<uint64_t> InternSignatures(const std::vector<std::string>& keys);

/** Drops one reference per id (as returned by InternSignatures). Thread-safe. */
void ReleaseSignatures(const std::vector<uint64_t>& ids);

/** Exports internSignatures(keys) → { ids: BigUint64Array } with release on collection, liveSignatureCount(). */
void InitTypeRegistryBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
