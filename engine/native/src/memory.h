// Linear memories: 8 GiB + 64 KiB PROT_NONE reservations whose accessible prefix grows by
// mprotect, the registry of live reservations that the signal handler consults, and the
// LinearMemory JavaScript class.
#pragma once

#include <napi.h>

#include <cstdint>

namespace wasm_native {

/** Async-signal-safe: whether address lies inside any live memory reservation. */
bool IsInsideLiveMemory(uintptr_t address);

struct MemoryDefinition;

/**
 * A new LinearMemory object, as `new LinearMemory(initialPages, maximumPages)` makes from
 * JavaScript (maximumPages -1: none); *definition is its MemoryDefinition. An empty object,
 * with the constructor's exception pending, on failure.
 */
Napi::Object NewLinearMemoryObject(Napi::Env env, uint32_t initialPages, int64_t maximumPages, MemoryDefinition** definition);

/** Bytes of a data-copy plan entry: { destination offset, source address, length }, u64 each. */
constexpr uint64_t kDataCopyEntryBytes = 24;

/**
 * Copies the first `count` entries of a data-copy plan into `memory` (active data segments,
 * Core spec §4.5.4). Every destination range is checked against the memory's accessible
 * length first; if one does not fit, nothing is written and the result is false. The
 * sources are addresses the caller vouches for (a module's data block).
 */
bool CopyDataPlan(MemoryDefinition* memory, const uint64_t* plan, uint32_t count);

/** Exports LinearMemory, liveMemoryCount. */
void InitMemoryBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
