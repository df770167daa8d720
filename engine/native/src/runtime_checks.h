// An LLVM function pass of ours, run last in every optimisation pipeline (O0-O3): inserts
// the stack-limit check at the entry of every wasm function that calls, and the interrupt
// check at the head of every cycle of its control flow, after inlining and vectorisation
// have decided where the code is. See runtime_checks.cc and docs/RATIONALE.md ("How
// generated code is interrupted").
#pragma once

#include <cstdint>

#include "llvm/IR/PassManager.h"

namespace wasm_native {

/** The function attribute the translator puts on wasm functions (not on trampolines). */
constexpr const char* kRuntimeChecksAttribute = "wasm-runtime-checks";

class RuntimeChecksPass : public llvm::PassInfoMixin<RuntimeChecksPass> {
 public:
  /** `threadLimitsTlsOffset`: ThreadLimitsTlsOffset() (execution_limits.h). */
  /** `optimized`: the pipeline optimised the function (O1+), so bounded inner loops may go without polls. */
  RuntimeChecksPass(int64_t threadLimitsTlsOffset, bool optimized) : tlsOffset_(threadLimitsTlsOffset), optimized_(optimized) {}
  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
  /** Runs at O0 too: the checks are part of the sandbox, not an optimisation. */
  static bool isRequired() { return true; }

 private:
  int64_t tlsOffset_;
  bool optimized_;
};

}  // namespace wasm_native
