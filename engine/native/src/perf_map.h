// Stage: link. Symbols of JIT code for Linux perf (WASM_LLVM_PERF_MAP=1): one line per
// function of each loaded image, appended to /tmp/perf-<pid>.map, the file `perf report`
// reads for code outside any ELF file (tools/perf/Documentation/jit-interface.txt).
#pragma once

#include <cstdint>
#include <string>

namespace wasm_native {

/** Whether WASM_LLVM_PERF_MAP=1 (read once per process). */
bool PerfMapEnabled();

/** Appends "<start> <size> <name>" (hex, hex, text) as one write; any thread. */
void AddPerfMapEntry(uint64_t start, uint64_t size, const std::string& name);

}  // namespace wasm_native
