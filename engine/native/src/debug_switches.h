// Debugging and measurement switches read from the environment (docs/RATIONALE.md, "Why a
// dump hook in the addon?"): WASM_LLVM_DISABLE=<name>,... turns off one of our own choices
// by name, for before/after measurements and for tests of the fallbacks. The names are
// listed where they are read (llvm_compiler.cc, runtime_checks.cc, execution_limits.cc).
#pragma once

#include <cstdlib>
#include <string>

namespace wasm_native {

inline bool DebugDisabled(const char* name) {
  const char* list = std::getenv("WASM_LLVM_DISABLE");
  if (!list) return false;
  std::string names = std::string(",") + list + ",";
  return names.find(std::string(",") + name + ",") != std::string::npos;
}

}  // namespace wasm_native
