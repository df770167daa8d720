// Stage: link, for object code kept earlier (the code cache, serialized modules). A small
// loader for the relocatable x86-64 ELF objects this engine's own LLVM pipeline writes (PIC,
// small code model, no unwind tables): it lays their sections out in one mapping, resolves
// symbols, applies the relocations and protects the pages — what JITLink does for them, at
// a fraction of the cost (docs/RATIONALE.md, "Why does a cache hit load objects with a loader
// of our own?"). Anything it does not know (another machine, section kind, relocation type,
// a symbol defined twice) makes it decline, and the caller links with JITLink instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace wasm_native {

/** Pages holding loaded code; UnloadImage frees them. */
struct LoadedImage {
  void* base = nullptr;
  size_t size = 0;
};

enum class LoadOutcome {
  kLoaded,
  /** Something this loader does not handle: link with JITLink instead (*error says what). */
  kDeclined,
  /** The objects cannot be linked by anyone (a symbol not found, a damaged object): *error. */
  kFailed,
};

/** The address of an external symbol (the runtime's wasm_rt_*, the process's libm), or 0. */
using ExternalResolver = std::function<uint64_t(const std::string& name)>;

/**
 * Loads `objects` into one image and looks up `symbols` (global symbols they define) into
 * *addresses, in order. On kLoaded, *image owns the pages; otherwise nothing is left mapped.
 * With WASM_LLVM_PERF_MAP=1 its functions go to perf's map as `label::symbol` (perf_map.h).
 * Thread-safe (no shared state but the perf map's file).
 */
LoadOutcome LoadObjects(const std::vector<std::string_view>& objects, const std::vector<std::string>& symbols,
                        const ExternalResolver& resolveExternal, LoadedImage* image, std::vector<uint64_t>* addresses,
                        std::string* error, const std::string& label = "");

void UnloadImage(LoadedImage* image);

}  // namespace wasm_native
