// Running maxima and minima as branches (running_extremes.h), after the O2/O3 pipeline.
//
// A loop that keeps the largest value seen so far in a register,
//
//   %m      = phi i32 [ %init, %preheader ], [ %m.next, %latch ]
//   %m.next = call i32 @llvm.smax.i32(i32 %m, i32 %x)        ; or a chain: unrolled copies
//
// is, on x86, a `cmp` + `cmov` on the loop-carried path: every iteration waits for the
// previous one's compare and move (2 cycles, more than the rest of a small loop). The
// update happens only when %x is a new record, and records are rare (about ln n of n values
// in random order; every value or none when they are sorted): a branch around the update
// is predicted nearly always, and its loop-carried path is the predicted move alone. LLVM's
// cmov-to-branch converter (X86CmovConversion) decides this from the depth of the
// dependence chain over two iterations; a loop unrolled 8 times reaches its threshold, one
// unrolled twice does not (PolyBench's nussinov: native code unrolled 8× branches, ours
// kept 2 cmovs per iteration and ran 1.5× native). So here, for innermost loops only:
//
//   a header phi whose latch value is a chain of one kind of smax/smin/umax/umin back to the
//   phi itself (so the value only ever moves one way: a running extreme, not `max(m - d, x)`
//   nor a clamp) has each link `max(acc, x)` rewritten as
//     %record = icmp sgt %x, %acc ; br %record, %take, %join
//     take: br %join ; join: %link = phi [%x, %take], [%acc, %before]
//
// Nothing after this pass folds the branch back into a select (no SimplifyCFG in code
// generation; x86's early if-conversion is off). Vector reductions are not touched: the loop
// vectoriser already turned those into vector max and one horizontal reduction at the end.
// `WASM_LLVM_DISABLE=running-extremes` keeps the intrinsics (measurement only).

#include "running_extremes.h"

#include <vector>

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

namespace wasm_native {
namespace {

/** A chain longer than this is not followed (an unrolled loop has one link per copy). */
constexpr unsigned kMaxChainLinks = 64;
/** Values looked at per phi at most: the search below has no memo, so a shared DAG is cut off. */
constexpr int kSearchSteps = 512;

bool IsExtreme(llvm::Intrinsic::ID id) {
  return id == llvm::Intrinsic::smax || id == llvm::Intrinsic::smin || id == llvm::Intrinsic::umax ||
         id == llvm::Intrinsic::umin;
}

/** The compare that is true when `candidate` replaces `accumulator`. */
llvm::CmpInst::Predicate RecordPredicate(llvm::Intrinsic::ID id) {
  switch (id) {
    case llvm::Intrinsic::smax: return llvm::CmpInst::ICMP_SGT;
    case llvm::Intrinsic::smin: return llvm::CmpInst::ICMP_SLT;
    case llvm::Intrinsic::umax: return llvm::CmpInst::ICMP_UGT;
    default: return llvm::CmpInst::ICMP_ULT;
  }
}

/** One link of a chain: `call` keeps the extreme of its operand `carried` (the chain so far) and the other. */
struct Link {
  llvm::IntrinsicInst* call;
  unsigned carried;
};

/**
 * Follows `value` back to `phi` through extremes of kind `id` inside `loop`; on success
 * appends the links from the phi's side outwards and returns true. `id` is fixed by the
 * first link.
 */
bool FollowChain(llvm::Value* value, llvm::PHINode* phi, llvm::Loop* loop, llvm::Intrinsic::ID* id,
                 std::vector<Link>* links, int* steps) {
  if (value == phi) return true;
  if (--*steps < 0) return false;
  auto* call = llvm::dyn_cast<llvm::IntrinsicInst>(value);
  if (call == nullptr || !loop->contains(call) || call->getType()->isVectorTy()) return false;
  if (*id == llvm::Intrinsic::not_intrinsic ? !IsExtreme(call->getIntrinsicID()) : call->getIntrinsicID() != *id) {
    return false;
  }
  if (links->size() >= kMaxChainLinks) return false;
  *id = call->getIntrinsicID();
  for (unsigned operand = 0; operand < 2; operand++) {
    size_t before = links->size();
    if (FollowChain(call->getArgOperand(operand), phi, loop, id, links, steps)) {
      // The other operand must not lead back too (`max(m, m)` and the like are left alone).
      std::vector<Link> other;
      llvm::Intrinsic::ID otherId = *id;
      if (FollowChain(call->getArgOperand(1 - operand), phi, loop, &otherId, &other, steps) || *steps < 0) return false;
      links->push_back({call, operand});
      return true;
    }
    links->resize(before);
  }
  return false;
}

/** Rewrites one link as a branch around the update; LoopInfo learns the new blocks. */
void BranchAroundUpdate(const Link& link, llvm::Intrinsic::ID id, llvm::LoopInfo& loops) {
  llvm::IntrinsicInst* call = link.call;
  llvm::Value* accumulator = call->getArgOperand(link.carried);
  llvm::Value* candidate = call->getArgOperand(1 - link.carried);
  llvm::IRBuilder<> builder(call);
  llvm::Value* record = builder.CreateICmp(RecordPredicate(id), candidate, accumulator, "record");
  llvm::BasicBlock* before = call->getParent();
  llvm::Instruction* takeEnd = llvm::SplitBlockAndInsertIfThen(record, call->getIterator(), /*Unreachable=*/false,
                                                               /*BranchWeights=*/nullptr,
                                                               /*DTU=*/static_cast<llvm::DomTreeUpdater*>(nullptr),
                                                               &loops);
  llvm::BasicBlock* join = call->getParent();
  auto* merged = llvm::PHINode::Create(call->getType(), 2, call->getName(), join->begin());
  merged->addIncoming(candidate, takeEnd->getParent());
  merged->addIncoming(accumulator, before);
  call->replaceAllUsesWith(merged);
  call->eraseFromParent();
}

}  // namespace

llvm::PreservedAnalyses RunningExtremeBranchesPass::run(llvm::Function& function,
                                                        llvm::FunctionAnalysisManager& analyses) {
  if (function.isDeclaration()) return llvm::PreservedAnalyses::all();
  auto& loops = analyses.getResult<llvm::LoopAnalysis>(function);
  struct Chain {
    llvm::Intrinsic::ID id;
    std::vector<Link> links;
  };
  std::vector<Chain> chains;
  llvm::SmallPtrSet<llvm::Instruction*, 16> linked;  // a call in two chains would be rewritten twice
  for (llvm::Loop* loop : loops.getLoopsInPreorder()) {
    if (!loop->isInnermost()) continue;
    llvm::BasicBlock* latch = loop->getLoopLatch();
    if (latch == nullptr) continue;
    for (llvm::PHINode& phi : loop->getHeader()->phis()) {
      if (!phi.getType()->isIntegerTy()) continue;
      Chain chain{llvm::Intrinsic::not_intrinsic, {}};
      llvm::Value* next = phi.getIncomingValueForBlock(latch);
      int steps = kSearchSteps;
      if (next == &phi || !FollowChain(next, &phi, loop, &chain.id, &chain.links, &steps)) continue;
      bool overlaps = false;
      for (const Link& link : chain.links) overlaps |= !linked.insert(link.call).second;
      if (!overlaps) chains.push_back(std::move(chain));
    }
  }
  if (chains.empty()) return llvm::PreservedAnalyses::all();
  for (const Chain& chain : chains) {
    for (const Link& link : chain.links) BranchAroundUpdate(link, chain.id, loops);
  }
  return llvm::PreservedAnalyses::none();
}

}  // namespace wasm_native
