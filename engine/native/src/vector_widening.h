// An LLVM function pass of ours, run just before the loop vectoriser at O2/O3, after index
// versioning: it widens innermost loops of 128-bit vector code (what a wasm SIMD build's
// loops are) to the host's vector width by running two or four iterations as one. See
// vector_widening.cc and docs/RATIONALE.md ("Why widen 128-bit loops?").
#pragma once

#include "llvm/IR/PassManager.h"

namespace wasm_native {

class VectorWideningPass : public llvm::PassInfoMixin<VectorWideningPass> {
 public:
  /** factor: iterations per widened iteration (2 or 4); 0: 2 where the target has 256-bit vectors, else none. */
  explicit VectorWideningPass(unsigned factor = 0) : factor_(factor) {}
  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
  static bool isRequired() { return false; }

 private:
  unsigned factor_;
};

}  // namespace wasm_native
