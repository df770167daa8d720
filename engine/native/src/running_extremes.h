// An LLVM function pass of ours, run at the end of the O2/O3 pipelines: a running maximum
// or minimum that an innermost loop carries in a register (`m = max(m, x)`, after the
// optimiser turned wasm's `select`/`if` into `llvm.smax` and friends) becomes a branch
// around the update instead of a conditional move. See running_extremes.cc and
// docs/RATIONALE.md, "Why is a running maximum a branch?".
#pragma once

#include "llvm/IR/PassManager.h"

namespace wasm_native {

class RunningExtremeBranchesPass : public llvm::PassInfoMixin<RunningExtremeBranchesPass> {
 public:
  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
};

}  // namespace wasm_native
