// Part of the vector widening pass (vector_widening.cc): a loop body that a wasm producer
// unrolled into m copies of the same 128-bit vector code, copy j at j × 16 bytes further,
// becomes one copy at m times the width, so that each access advances by its own size
// again. See vector_copy_merging.cc.
#pragma once

#include "llvm/Analysis/AliasAnalysis.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScopedNoAliasAA.h"

namespace wasm_native {

/**
 * Merges the copies of a one-block loop in place when the body is m (2 ≤ m ≤ maxCopies, a
 * power of two) isomorphic copies. Returns m, or 1 when the loop was left as it is.
 */
unsigned MergeUnrolledVectorCopies(llvm::Loop* loop, llvm::ScalarEvolution& evolution,
                                   llvm::ScopedNoAliasAAResult& scopes, llvm::AAResults& noAnalyses,
                                   unsigned maxCopies);

}  // namespace wasm_native
