// Linear memories: 8 GiB + 64 KiB PROT_NONE reservations whose accessible prefix grows by
// mprotect, the registry of live reservations that the signal handler consults, and the
// LinearMemory JavaScript class.
#pragma once

#include <napi.h>

#include <cstdint>

namespace wasm_native {

/** Async-signal-safe: whether address lies inside any live memory reservation. */
bool IsInsideLiveMemory(uintptr_t address);

/** Exports LinearMemory, liveMemoryCount. */
void InitMemoryBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
