// An LLVM function pass of ours, run just before the loop vectorizer at O2/O3: it versions
// innermost loops so that 32-bit indices extended to 64 bits (`zext i32 %e to i64`) become
// 64-bit affine recurrences in the loop that runs when a runtime check passes. See
// index_versioning.cc and docs/RATIONALE.md ("Why version loops on 32-bit indices?").
#pragma once

#include "llvm/IR/PassManager.h"

namespace wasm_native {

struct IndexVersioningOptions {
  /** Also version loops whose exit test is `i == n` with a step of ±2^k (k > 0). */
  bool stridedExits = true;
  /** Move loads carried to the next iteration above the stores of other groups. */
  bool hoistCarriedLoads = true;
  /** Count a constant offset on an access's base (LICM's `memory + 16`) into its offset. */
  bool baseOffsets = true;
};

class ZextIndexVersioningPass : public llvm::PassInfoMixin<ZextIndexVersioningPass> {
 public:
  explicit ZextIndexVersioningPass(IndexVersioningOptions options = {}) : options_(options) {}
  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
  static bool isRequired() { return false; }

 private:
  IndexVersioningOptions options_;
};

}  // namespace wasm_native
