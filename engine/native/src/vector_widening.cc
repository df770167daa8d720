// Loop widening of 128-bit vector code (an LLVM IR → LLVM IR transformation, O2/O3).
//
// A wasm SIMD build is vectorised by its producer for 128 bits, and LLVM does not widen
// vector code: the loop vectoriser rejects loops that already use vector types. This pass
// does for such loops what the vectoriser does for scalar ones: F consecutive iterations
// (F = the target's vector width / 128: 2 with AVX2, 4 with AVX-512) run as one, each
// vector value of the loop becoming the concatenation of its F per-iteration values.
//
// That is exact for every lane-wise operation, because concatenation commutes with it;
// a vector access whose address advances by its own size each iteration becomes one access
// F times as wide at the first iteration's address (the F accesses are adjacent in
// memory); a shuffle keeps its mask per part; a vector recurrence (a header phi whose
// latch value X is computed in the loop without it, like the previous iteration's load a
// stencil shifts by one element) takes its first part from the last part of the previous
// widened X and the others from the current one. Scalar values (addresses, counters, any
// pure scalar recurrence) are computed once per original iteration, F copies in a row, and
// a scalar taken from a vector (extractelement, a bitmask, a reduction) reads its part.
//
// Taken: innermost loops of one block with one exit and a computable trip count, whose
// instructions are lane-wise vector operations, shuffles, lane inserts with a constant
// index, vector loads and stores as above, load anchors (an empty inline asm that keeps a
// loaded vector live, translator's "load liveness"), and pure scalar instructions. Memory
// order changes inside a widened iteration (iteration k+1's access before iteration k's
// later ones), so every pair of accesses with a store among them must be either in
// disjoint scopes (index versioning's no-alias metadata) or at a constant distance that
// no iteration within F reaches. Anything else leaves the loop as it is.
//
// The widened loop runs (n − 1) / F times for a trip count n, and the original loop, now
// the epilogue, the remaining 1 to F iterations: it always runs, so the values the loop
// leaves to the code after it are the original loop's, unchanged.
// Which stores precede an out-of-bounds trap may change, as with the loop vectoriser
// (docs/RATIONALE.md, "Why may optimised code leave other state than V8 behind an
// out-of-bounds trap?"); values computed never do. docs/RATIONALE.md, "Why widen 128-bit loops?".

#include "vector_widening.h"

#include "vector_copy_merging.h"
#include "vector_parts.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/AliasAnalysis.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/MemoryLocation.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/ScopedNoAliasAA.h"
#include "llvm/Analysis/TargetTransformInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"

namespace wasm_native {
namespace {

using namespace llvm;

/** The most vector and scalar accesses a loop may have to be widened (pairs are checked). */
constexpr size_t kMaxAccesses = 128;
/**
 * The most instructions a loop body may have: scalars are made recursively along their
 * operands (and copies are matched so), so the recursion's depth is bounded by the body.
 */
constexpr size_t kMaxBodyInstructions = 1000;

/**
 * WASM_LLVM_WIDENING_LOG=1 prints (stderr) each loop of vector code looked at and why it was
 * or was not widened; =2 also the block of each loop left alone, =3 every loop's block before.
 */
int LogLevel() {
  static const int level = std::getenv("WASM_LLVM_WIDENING_LOG") ? std::atoi(std::getenv("WASM_LLVM_WIDENING_LOG")) : 0;
  return level;
}

bool LogEnabled() { return LogLevel() > 0; }

void Log(const Loop* loop, const Twine& message) {
  if (!LogEnabled()) return;
  BasicBlock* header = loop->getHeader();
  errs() << "widening " << header->getParent()->getName() << " %" << header->getName() << ": " << message << "\n";
}

bool IsPureScalar(const Instruction& instruction) {
  if (instruction.mayReadOrWriteMemory() || instruction.mayHaveSideEffects()) return false;
  if (const auto* call = dyn_cast<CallInst>(&instruction)) return isa<IntrinsicInst>(call);
  return isa<BinaryOperator>(instruction) || isa<UnaryOperator>(instruction) || isa<CmpInst>(instruction) ||
         isa<CastInst>(instruction) || isa<GetElementPtrInst>(instruction) || isa<SelectInst>(instruction) ||
         isa<FreezeInst>(instruction) || isa<ExtractElementInst>(instruction);
}

/** A vector load or store of the loop: its pointer's evolution and its size in bytes. */
struct Access {
  Instruction* instruction;
  const SCEV* pointer;
  uint64_t size;
  int64_t step;   // +size or −size (a loop over an array downwards)
  bool isStore;
  bool isScalar;  // a scalar load: F copies, in order, each at its own iteration's address
};

/** A loop found widenable, with its trip count expanded in the preheader. */
struct Candidate {
  Loop* loop = nullptr;
  BasicBlock* body = nullptr;
  BasicBlock* preheader = nullptr;
  Value* tripCount = nullptr;  // i64, at least 1
  unsigned factor = 1;         // iterations per widened iteration
  SmallPtrSet<Instruction*, 8> downwards;  // vector accesses whose address decreases by their size
};

class LoopWidener {
 public:
  LoopWidener(Function& function, ScalarEvolution& evolution, ScopedNoAliasAAResult& scopes, AAResults& noAnalyses)
      : function_(function), evolution_(evolution), scopes_(scopes), noAnalyses_(noAnalyses),
        dataLayout_(function.getParent()->getDataLayout()) {}

  /** Checks the loop for `factor`; on success expands its trip count and returns true. */
  bool analyse(Loop* loop, unsigned factor, Candidate* candidate);
  /** Builds the widened loop in front of the original; false (nothing changed) if it cannot. */
  bool widen(const Candidate& candidate);

 private:
  bool isVectorOperation(Instruction& instruction, const Loop* loop, std::string* why);
  bool accessesCommute(const Access& earlier, const Access& later, unsigned factor) const;

  Function& function_;
  ScalarEvolution& evolution_;
  ScopedNoAliasAAResult& scopes_;
  AAResults& noAnalyses_;  // the query context ScopedNoAliasAA asks for and does not use
  const DataLayout& dataLayout_;
};

bool LoopWidener::isVectorOperation(Instruction& instruction, const Loop* loop, std::string* why) {
  auto invariant = [&](Value* value) { return loop->isLoopInvariant(value); };
  if (auto* call = dyn_cast<CallInst>(&instruction)) {
    auto* intrinsic = dyn_cast<IntrinsicInst>(call);
    if (intrinsic == nullptr || !IsLaneWise(intrinsic->getIntrinsicID())) {
      *why = "a call that is not lane-wise";
      return false;
    }
    for (Value* argument : intrinsic->args()) {
      if (!argument->getType()->isVectorTy() && !invariant(argument)) {
        *why = "a lane-wise intrinsic with a varying scalar operand";
        return false;
      }
    }
    return true;
  }
  if (isa<BinaryOperator>(instruction) || isa<UnaryOperator>(instruction) || isa<CmpInst>(instruction) ||
      isa<ShuffleVectorInst>(instruction) || isa<FreezeInst>(instruction)) {
    return true;
  }
  if (auto* cast = dyn_cast<CastInst>(&instruction)) {
    if (cast->getSrcTy()->isVectorTy()) return true;
    *why = "a vector made from a scalar by a cast";
    return false;
  }
  if (auto* select = dyn_cast<SelectInst>(&instruction)) {
    if (select->getCondition()->getType()->isVectorTy() || invariant(select->getCondition())) return true;
    *why = "a vector select on a varying scalar";
    return false;
  }
  if (auto* insert = dyn_cast<InsertElementInst>(&instruction)) {
    if (isa<ConstantInt>(insert->getOperand(2))) return true;
    *why = "a lane insert at a varying index";
    return false;
  }
  *why = std::string("a vector ") + instruction.getOpcodeName();
  return false;
}

/** Whether two accesses (earlier before later in the body) may swap across F iterations. */
bool LoopWidener::accessesCommute(const Access& earlier, const Access& later, unsigned factor) const {
  if (!earlier.isStore && !later.isStore) return true;
  // Scalar loads: only their scopes say where they are not (their addresses may be anything).
  // Scoped no-alias metadata holds for all executions of the two accesses (index versioning
  // checked the ranges), so it may be asked across iterations; other alias analyses may not.
  SimpleAAQueryInfo query(noAnalyses_);
  if (scopes_.alias(MemoryLocation::get(earlier.instruction), MemoryLocation::get(later.instruction), query,
                    nullptr) == AliasResult::NoAlias) {
    return true;
  }
  if (earlier.isScalar || later.isScalar || earlier.size != later.size || earlier.step != later.step) return false;
  const auto* distance = dyn_cast<SCEVConstant>(evolution_.getMinusSCEV(earlier.pointer, later.pointer));
  if (distance == nullptr) return false;
  // Widened, `earlier` of iteration k+d runs before `later` of iteration k (0 < d < F).
  const int64_t delta = distance->getAPInt().getSExtValue();
  const int64_t size = static_cast<int64_t>(earlier.size);
  for (int64_t d = 1; d < static_cast<int64_t>(factor); d++) {
    const int64_t gap = delta + d * earlier.step;
    if (gap > -size && gap < size) return false;
  }
  return true;
}

bool LoopWidener::analyse(Loop* loop, unsigned factor, Candidate* candidate) {
  BasicBlock* body = loop->getHeader();
  if (loop->getNumBlocks() != 1 || loop->getLoopLatch() != body || body->size() > kMaxBodyInstructions) return false;
  bool hasVectors = false;
  for (Instruction& instruction : *body) {
    if (instruction.getType()->isVectorTy() ||
        (isa<StoreInst>(instruction) && instruction.getOperand(0)->getType()->isVectorTy())) {
      hasVectors = true;
      break;
    }
  }
  if (!hasVectors) return false;
  auto reject = [&](const Twine& why) {
    Log(loop, "not widened: " + why);
    if (LogLevel() >= 2) body->print(errs());
    return false;
  };
  BasicBlock* preheader = loop->getLoopPreheader();
  auto* latchBranch = dyn_cast<BranchInst>(body->getTerminator());
  if (preheader == nullptr || latchBranch == nullptr || !latchBranch->isConditional() ||
      loop->getExitBlock() == nullptr) {
    return reject("no preheader or not one exit");
  }
  const SCEV* backedges = evolution_.getBackedgeTakenCount(loop);
  if (isa<SCEVCouldNotCompute>(backedges) || !evolution_.isLoopInvariant(backedges, loop)) {
    return reject("no computable trip count");
  }
  Type* i64 = Type::getInt64Ty(function_.getContext());
  const SCEV* tripCount = evolution_.getTripCountFromExitCount(backedges, i64, loop);

  std::vector<Access> accesses;
  for (Instruction& instruction : *body) {
    if (&instruction == latchBranch) continue;
    std::string why;
    if (auto* phi = dyn_cast<PHINode>(&instruction)) {
      if (!phi->getType()->isVectorTy()) continue;  // scalar recurrences run per iteration
      auto* carried = dyn_cast<Instruction>(phi->getIncomingValueForBlock(body));
      if (carried == nullptr || !loop->contains(carried) || isa<PHINode>(carried)) {
        return reject("a vector phi that is not a first-order recurrence");
      }
      continue;
    }
    if (auto* load = dyn_cast<LoadInst>(&instruction)) {
      if (!load->isSimple()) return reject("a volatile or atomic load");
      if (!load->getType()->isVectorTy()) {
        accesses.push_back({load, nullptr, 0, 0, false, true});
        continue;
      }
    } else if (auto* store = dyn_cast<StoreInst>(&instruction)) {
      if (!store->getValueOperand()->getType()->isVectorTy()) return reject("a scalar store");
      if (!store->isSimple()) return reject("a volatile or atomic store");
    } else if (IsLoadAnchor(instruction)) {
      continue;
    } else if (instruction.getType()->isVectorTy()) {
      if (!isVectorOperation(instruction, loop, &why)) return reject(why);
      continue;
    } else if (!IsPureScalar(instruction)) {
      return reject(Twine("a scalar ") + instruction.getOpcodeName() + " with effects");
    } else {
      continue;
    }
    Value* pointer = getLoadStorePointerOperand(&instruction);
    Type* type = getLoadStoreType(&instruction);
    const uint64_t size = dataLayout_.getTypeStoreSize(type).getFixedValue();
    const auto* evolution = dyn_cast<SCEVAddRecExpr>(evolution_.getSCEV(pointer));
    const SCEVConstant* step =
        evolution != nullptr && evolution->getLoop() == loop && evolution->isAffine()
            ? dyn_cast<SCEVConstant>(evolution->getStepRecurrence(evolution_))
            : nullptr;
    const int64_t stride = step != nullptr ? step->getAPInt().getSExtValue() : 0;
    if ((stride != static_cast<int64_t>(size) && stride != -static_cast<int64_t>(size)) ||
        dataLayout_.getTypeAllocSize(type).getFixedValue() != size) {
      return reject("a vector access that does not advance by its own size");
    }
    if (stride < 0) candidate->downwards.insert(&instruction);
    accesses.push_back({&instruction, evolution, size, stride, isa<StoreInst>(instruction), false});
  }
  if (accesses.empty()) return reject("no vector access");
  // The pairwise check is quadratic: a body of thousands of accesses (a compile-time bomb,
  // or generated code no producer vectorises) is left alone.
  if (accesses.size() > kMaxAccesses) return reject("too many accesses to check pairwise");
  for (size_t i = 0; i < accesses.size(); i++) {
    for (size_t j = i + 1; j < accesses.size(); j++) {
      if (!accessesCommute(accesses[i], accesses[j], factor)) return reject("accesses that may overlap across iterations");
    }
  }
  SCEVExpander expander(evolution_, dataLayout_, "widen");
  if (!expander.isSafeToExpandAt(tripCount, preheader->getTerminator())) return reject("a trip count that cannot be expanded");
  candidate->loop = loop;
  candidate->body = body;
  candidate->preheader = preheader;
  candidate->factor = factor;
  candidate->tripCount = expander.expandCodeFor(tripCount, i64, preheader->getTerminator());
  return true;
}

/** Builds one widened loop body: vector values once at F times the width, scalars F times. */
class WideBodyBuilder {
 public:
  WideBodyBuilder(const Candidate& candidate, BasicBlock* guard, BasicBlock* wide)
      : loop_(candidate.loop), body_(candidate.body), factor_(candidate.factor), downwards_(candidate.downwards),
        guard_(guard), wide_(wide),
        builder_(wide), guardBuilder_(guard->getTerminator()), scalars_(candidate.factor) {}

  bool failed() const { return failed_; }

  /** The header phis of the widened loop (before any other instruction). */
  void startPhis() {
    for (PHINode& phi : body_->phis()) {
      Value* initial = phi.getIncomingValueForBlock(loop_->getLoopPreheader());
      if (Value* step = InductionStep(phi)) {
        // An integer vector induction: parts start at init, init + step, ..., and all
        // advance by F steps (exact: integer addition wraps the same in any order).
        SmallVector<Value*, 4> parts{initial};
        for (unsigned part = 1; part < factor_; part++) parts.push_back(guardBuilder_.CreateAdd(parts.back(), step));
        PHINode* induction = builder_.CreatePHI(Widened(phi.getType()), 2, phi.getName() + ".wide");
        induction->addIncoming(Concatenate(parts), guard_);
        inductions_[&phi] = {induction, guardBuilder_.CreateMul(step, ConstantInt::get(step->getType(), factor_))};
        wide_values_[&phi] = induction;
      } else if (phi.getType()->isVectorTy()) {
        auto* type = cast<FixedVectorType>(phi.getType());
        const int lanes = static_cast<int>(type->getNumElements());
        Value* start = guardBuilder_.CreateShuffleVector(initial, PoisonValue::get(type), IntoLastPartMask(lanes, factor_));
        PHINode* carried = builder_.CreatePHI(Widened(type), 2, phi.getName() + ".wide.carried");
        carried->addIncoming(start, guard_);
        recurrences_[&phi] = carried;
      } else {
        PHINode* first = builder_.CreatePHI(phi.getType(), 2, phi.getName() + ".wide");
        first->addIncoming(initial, guard_);
        scalars_[0][&phi] = first;
      }
    }
  }

  /** Every instruction but phis and the latch branch, in order (vector ones widened). */
  void emitBody() {
    for (Instruction& instruction : *body_) {
      if (failed_) return;
      if (isa<PHINode>(instruction) || instruction.isTerminator()) continue;
      if ((isa<LoadInst>(instruction) && !instruction.getType()->isVectorTy()) ||
          (IsLoadAnchor(instruction) && !IsVectorAnchor(instruction))) {
        // Scalar loads and their anchors: one per iteration, here, in the iterations' order.
        emittingEffects_ = true;
        for (unsigned part = 0; part < factor_ && !failed_; part++) Scalar(&instruction, part);
        emittingEffects_ = false;
        continue;
      }
      // Vector results, stores (all of vectors) and vector anchors.
      if (instruction.getType()->isVectorTy() || isa<StoreInst>(instruction) || IsVectorAnchor(instruction)) {
        emitVector(instruction);
      }
      // Pure scalars are made when used: what nothing widened uses (the old exit test) never is.
    }
  }

  /** Closes the header phis: the values at the start of the next widened iteration. */
  void finishPhis() {
    for (PHINode& phi : body_->phis()) {
      if (failed_) return;
      Value* next = phi.getIncomingValueForBlock(body_);
      if (inductions_.count(&phi)) {
        auto [induction, wideStep] = inductions_[&phi];
        Value* stepped = Wide(wideStep);
        Value* wideNext = Wide(next);  // the induction's own next value, one step past part F − 1
        if (failed_) return;
        induction->addIncoming(builder_.CreateAdd(induction, stepped, phi.getName() + ".wide.next"), wide_);
        nextValues_[&phi] = LastPart(wideNext, builder_, phi.getName() + ".last");
      } else if (phi.getType()->isVectorTy()) {
        Value* wideNext = Wide(next);
        if (failed_) return;
        recurrences_[&phi]->addIncoming(wideNext, wide_);
        nextValues_[&phi] = LastPart(wideNext, builder_, phi.getName() + ".last");
      } else {
        Value* value = Scalar(next, factor_ - 1);
        if (failed_) return;
        cast<PHINode>(scalars_[0][&phi])->addIncoming(value, wide_);
        nextValues_[&phi] = value;
      }
    }
  }

  IRBuilder<>& builder() { return builder_; }
  /** A header phi's value at the start of the iteration after the widened loop. */
  Value* nextValue(PHINode* phi) { return nextValues_[phi]; }

 private:
  FixedVectorType* Widened(Type* type) const {
    auto* vector = cast<FixedVectorType>(type);
    return FixedVectorType::get(vector->getElementType(), vector->getNumElements() * factor_);
  }

  /** For `phi = [init], [phi + step]` over integer lanes with an invariant step: the step. */
  Value* InductionStep(PHINode& phi) const {
    if (!phi.getType()->isIntOrIntVectorTy() || !phi.getType()->isVectorTy()) return nullptr;
    auto* next = dyn_cast<BinaryOperator>(phi.getIncomingValueForBlock(body_));
    if (next == nullptr || next->getOpcode() != Instruction::Add) return nullptr;
    if (next->getOperand(0) == &phi && loop_->isLoopInvariant(next->getOperand(1))) return next->getOperand(1);
    if (next->getOperand(1) == &phi && loop_->isLoopInvariant(next->getOperand(0))) return next->getOperand(0);
    return nullptr;
  }

  /** One vector of F times the lanes from F parts (in the guard block). */
  Value* Concatenate(SmallVector<Value*, 4> parts) {
    while (parts.size() > 1) {
      SmallVector<Value*, 4> joined;
      for (size_t i = 0; i < parts.size(); i += 2) {
        const int lanes = static_cast<int>(cast<FixedVectorType>(parts[i]->getType())->getNumElements());
        SmallVector<int, 64> mask;
        for (int lane = 0; lane < 2 * lanes; lane++) mask.push_back(lane);
        joined.push_back(guardBuilder_.CreateShuffleVector(parts[i], parts[i + 1], mask));
      }
      parts = joined;
    }
    return parts[0];
  }

  int PartLanes(Value* wide) const {
    return static_cast<int>(cast<FixedVectorType>(wide->getType())->getNumElements() / factor_);
  }

  Value* LastPart(Value* wide, IRBuilder<>& builder, const Twine& name) {
    return builder.CreateShuffleVector(wide, PoisonValue::get(wide->getType()), PartMask(PartLanes(wide), factor_ - 1), name);
  }

  Value* ReverseParts(Value* wide) {
    const int lanes = PartLanes(wide);
    SmallVector<int, 64> mask;
    for (unsigned part = factor_; part-- > 0;) {
      for (int lane = 0; lane < lanes; lane++) mask.push_back(static_cast<int>(part) * lanes + lane);
    }
    return builder_.CreateShuffleVector(wide, PoisonValue::get(wide->getType()), mask);
  }

  Value* Part(Value* wide, unsigned part) {
    return builder_.CreateShuffleVector(wide, PoisonValue::get(wide->getType()), PartMask(PartLanes(wide), part));
  }

  /** The widened value of a vector operand (the loop's own, or an invariant repeated F times). */
  Value* Wide(Value* value) {
    auto* instruction = dyn_cast<Instruction>(value);
    if (instruction == nullptr || !loop_->contains(instruction)) {
      auto found = invariants_.find(value);
      if (found != invariants_.end()) return found->second;
      const int lanes = static_cast<int>(cast<FixedVectorType>(value->getType())->getNumElements());
      Value* repeated = guardBuilder_.CreateShuffleVector(value, PoisonValue::get(value->getType()), RepeatMask(lanes, factor_));
      invariants_[value] = repeated;
      return repeated;
    }
    auto found = wide_values_.find(value);
    if (found != wide_values_.end()) return found->second;
    auto* phi = dyn_cast<PHINode>(instruction);
    if (phi != nullptr && recurrences_.count(phi)) {
      // Part 0 is the previous widened iteration's last part; part p the current one's p − 1.
      auto carried = wide_values_.find(phi->getIncomingValueForBlock(body_));
      if (carried == wide_values_.end()) return Fail("a recurrence used before its next value is made");
      const int lanes = static_cast<int>(cast<FixedVectorType>(phi->getType())->getNumElements());
      Value* shifted = builder_.CreateShuffleVector(recurrences_[phi], carried->second, ShiftedInMask(lanes, factor_),
                                                    phi->getName() + ".wide");
      wide_values_[value] = shifted;
      return shifted;
    }
    return Fail("a vector value used before it is made");
  }

  /** The value of a scalar in iteration `part` of the widened one. */
  Value* Scalar(Value* value, unsigned part) {
    auto* instruction = dyn_cast<Instruction>(value);
    if (instruction == nullptr || !loop_->contains(instruction)) return value;
    auto found = scalars_[part].find(value);
    if (found != scalars_[part].end()) return found->second;
    if (auto* phi = dyn_cast<PHINode>(instruction)) {
      if (part == 0) return Fail("a scalar phi without its widened phi");
      Value* previous = Scalar(phi->getIncomingValueForBlock(body_), part - 1);
      scalars_[part][value] = previous;
      return previous;
    }
    if ((instruction->mayReadOrWriteMemory() || instruction->mayHaveSideEffects()) && !emittingEffects_) {
      return Fail("a scalar load used before its place in the loop");
    }
    Instruction* copy = instruction->clone();
    for (unsigned i = 0; i < copy->getNumOperands(); i++) {
      Value* operand = instruction->getOperand(i);
      Value* mapped;
      if (operand->getType()->isVectorTy()) {
        auto* definition = dyn_cast<Instruction>(operand);
        mapped = operand;
        if (definition != nullptr && loop_->contains(definition)) {
          Value* wide = Wide(operand);
          if (wide != nullptr) mapped = Part(wide, part);
        }
      } else {
        mapped = Scalar(operand, part);
      }
      if (failed_) {
        copy->deleteValue();
        return nullptr;
      }
      copy->setOperand(i, mapped);
    }
    builder_.Insert(copy, instruction->getName());
    scalars_[part][value] = copy;
    return copy;
  }

  void emitVector(Instruction& instruction) {
    Value* result = nullptr;
    if (auto* load = dyn_cast<LoadInst>(&instruction)) {
      // Downwards, the last iteration's address is the lowest and the parts come reversed.
      const bool downwards = downwards_.count(load) != 0;
      Value* pointer = Scalar(load->getPointerOperand(), downwards ? factor_ - 1 : 0);
      if (failed_) return;
      LoadInst* wide = builder_.CreateAlignedLoad(Widened(load->getType()), pointer, load->getAlign(), load->getName() + ".wide");
      wide->copyMetadata(*load, {LLVMContext::MD_tbaa, LLVMContext::MD_alias_scope, LLVMContext::MD_noalias});
      result = downwards ? ReverseParts(wide) : wide;
    } else if (auto* store = dyn_cast<StoreInst>(&instruction)) {
      const bool downwards = downwards_.count(store) != 0;
      Value* value = Wide(store->getValueOperand());
      Value* pointer = Scalar(store->getPointerOperand(), downwards ? factor_ - 1 : 0);
      if (failed_) return;
      if (downwards) value = ReverseParts(value);
      StoreInst* wide = builder_.CreateAlignedStore(value, pointer, store->getAlign());
      wide->copyMetadata(*store, {LLVMContext::MD_tbaa, LLVMContext::MD_alias_scope, LLVMContext::MD_noalias});
      return;
    } else if (auto* shuffle = dyn_cast<ShuffleVectorInst>(&instruction)) {
      Value* left = Wide(shuffle->getOperand(0));
      Value* right = Wide(shuffle->getOperand(1));
      if (failed_) return;
      const int lanes = static_cast<int>(cast<FixedVectorType>(shuffle->getOperand(0)->getType())->getNumElements());
      result = builder_.CreateShuffleVector(left, right, PartwiseMask(shuffle->getShuffleMask(), lanes, factor_),
                                            shuffle->getName() + ".wide");
    } else if (auto* insert = dyn_cast<InsertElementInst>(&instruction)) {
      Value* vector = Wide(insert->getOperand(0));
      if (failed_) return;
      const uint64_t lane = cast<ConstantInt>(insert->getOperand(2))->getZExtValue();
      const uint64_t lanes = cast<FixedVectorType>(insert->getType())->getNumElements();
      for (unsigned part = 0; part < factor_; part++) {
        Value* element = Scalar(insert->getOperand(1), part);
        if (failed_) return;
        vector = builder_.CreateInsertElement(vector, element, builder_.getInt64(part * lanes + lane));
      }
      result = vector;
    } else if (IsVectorAnchor(instruction)) {
      Value* value = Wide(cast<CallInst>(instruction).getArgOperand(0));
      if (failed_) return;
      CreateAnchorLike(builder_, cast<CallInst>(instruction), value);
      return;
    } else {
      // Lane-wise: every vector operand widened, scalar operands are loop-invariant.
      Instruction* copy = instruction.clone();
      for (unsigned i = 0; i < copy->getNumOperands(); i++) {
        Value* operand = instruction.getOperand(i);
        if (!operand->getType()->isVectorTy()) continue;
        Value* wide = Wide(operand);
        if (failed_) {
          copy->deleteValue();
          return;
        }
        copy->setOperand(i, wide);
      }
      copy->mutateType(Widened(instruction.getType()));
      builder_.Insert(copy, instruction.getName() + ".wide");
      if (auto* intrinsic = dyn_cast<IntrinsicInst>(copy); intrinsic != nullptr && !RedeclareWidenedIntrinsic(intrinsic)) {
        Fail("an intrinsic without a widened form");  // the blocks are erased: the copy with them
        return;
      }
      result = copy;
    }
    wide_values_[&instruction] = result;
  }

  Value* Fail(const char* why) {
    if (!failed_) Log(loop_, Twine("not widened: ") + why);
    if (!failed_ && LogLevel() >= 2) body_->print(errs());
    failed_ = true;
    return nullptr;
  }

  Loop* loop_;
  BasicBlock* body_;
  unsigned factor_;
  const SmallPtrSet<Instruction*, 8>& downwards_;
  BasicBlock* guard_;
  BasicBlock* wide_;
  IRBuilder<> builder_;
  IRBuilder<> guardBuilder_;
  bool failed_ = false;
  bool emittingEffects_ = false;  // a scalar load (or its anchor) is being made at its place
  DenseMap<Value*, Value*> wide_values_;
  DenseMap<Value*, Value*> invariants_;
  DenseMap<PHINode*, PHINode*> recurrences_;
  DenseMap<PHINode*, std::pair<PHINode*, Value*>> inductions_;  // the widened phi, F steps
  std::vector<DenseMap<Value*, Value*>> scalars_;
  DenseMap<PHINode*, Value*> nextValues_;
};

void EraseBlocks(std::initializer_list<BasicBlock*> blocks) {
  for (BasicBlock* block : blocks) block->dropAllReferences();
  for (BasicBlock* block : blocks) block->eraseFromParent();
}

bool LoopWidener::widen(const Candidate& candidate) {
  Loop* loop = candidate.loop;
  BasicBlock* body = candidate.body;
  BasicBlock* preheader = candidate.preheader;
  LLVMContext& context = function_.getContext();
  Type* i64 = Type::getInt64Ty(context);

  // guard: widened iterations = (n − 1) / F; none → straight to the original loop.
  BasicBlock* guard = BasicBlock::Create(context, body->getName() + ".widen.guard", &function_, body);
  BasicBlock* wide = BasicBlock::Create(context, body->getName() + ".wide", &function_, body);
  BasicBlock* wideExit = BasicBlock::Create(context, body->getName() + ".wide.exit", &function_, body);
  BasicBlock* epiloguePreheader = BasicBlock::Create(context, body->getName() + ".epilogue.ph", &function_, body);
  IRBuilder<> guardBuilder(guard);
  unsigned shift = 0;
  while ((1u << shift) < candidate.factor) shift++;
  Value* iterations = guardBuilder.CreateLShr(guardBuilder.CreateSub(candidate.tripCount, ConstantInt::get(i64, 1)),
                                              shift, "widen.iterations");
  Value* none = guardBuilder.CreateICmpEQ(iterations, ConstantInt::get(i64, 0));
  guardBuilder.CreateCondBr(none, epiloguePreheader, wide);

  WideBodyBuilder builder(candidate, guard, wide);
  PHINode* counter = builder.builder().CreatePHI(i64, 2, "widen.counter");
  counter->addIncoming(ConstantInt::get(i64, 0), guard);
  builder.startPhis();
  builder.emitBody();
  builder.finishPhis();
  if (builder.failed()) {
    EraseBlocks({guard, wide, wideExit, epiloguePreheader});
    return false;
  }
  IRBuilder<>& wideBuilder = builder.builder();
  Value* nextCounter = wideBuilder.CreateAdd(counter, ConstantInt::get(i64, 1), "widen.counter.next", true, true);
  counter->addIncoming(nextCounter, wide);
  wideBuilder.CreateCondBr(wideBuilder.CreateICmpEQ(nextCounter, iterations), wideExit, wide);
  // The original loop runs the last 1..F iterations from where the widened one stopped
  // (the values it starts from pass through phis in the widened loop's exit: LCSSA form).
  IRBuilder<> exitBuilder(wideExit);
  IRBuilder<> epilogueBuilder(epiloguePreheader);
  for (PHINode& phi : body->phis()) {
    PHINode* leaving = exitBuilder.CreatePHI(phi.getType(), 1, phi.getName() + ".wide.out");
    leaving->addIncoming(builder.nextValue(&phi), wide);
    PHINode* start = epilogueBuilder.CreatePHI(phi.getType(), 2, phi.getName() + ".epilogue");
    start->addIncoming(phi.getIncomingValueForBlock(preheader), guard);
    start->addIncoming(leaving, wideExit);
    phi.setIncomingValue(phi.getBasicBlockIndex(preheader), start);
  }
  for (PHINode& phi : body->phis()) phi.setIncomingBlock(phi.getBasicBlockIndex(preheader), epiloguePreheader);
  exitBuilder.CreateBr(epiloguePreheader);
  epilogueBuilder.CreateBr(body);
  preheader->getTerminator()->replaceUsesOfWith(body, guard);
  addStringMetadataToLoop(loop, "llvm.loop.unroll.disable");
  Log(loop, "widened x" + Twine(candidate.factor));
  return true;
}

}  // namespace

PreservedAnalyses VectorWideningPass::run(Function& function, FunctionAnalysisManager& analyses) {
  unsigned factor = factor_;
  if (factor == 0) {
    const TargetTransformInfo& target = analyses.getResult<TargetIRAnalysis>(function);
    const uint64_t bits = target.getRegisterBitWidth(TargetTransformInfo::RGK_FixedWidthVector).getFixedValue();
    // 256 bits even where the target has 512: a 512-bit loop left a scalar loop after it in
    // the same function 1.5-1.8x slower on this VM's AVX-512 CPU (symm: no vzeroupper between
    // them), as LLVM itself prefers 256 bits on most AVX-512 CPUs. WASM_LLVM_WIDENING_FACTOR=4
    // asks for 512.
    factor = bits >= 256 ? 2 : 1;
  }
  if (factor < 2) return PreservedAnalyses::all();
  auto& loops = analyses.getResult<LoopAnalysis>(function);
  auto& evolution = analyses.getResult<ScalarEvolutionAnalysis>(function);
  auto& scopes = analyses.getResult<ScopedNoAliasAA>(function);
  auto& libraries = analyses.getResult<TargetLibraryAnalysis>(function);
  AAResults noAnalyses(libraries);
  LoopWidener widener(function, evolution, scopes, noAnalyses);
  // All analysed first: widening changes the CFG that scalar evolution describes (merging
  // unrolled copies does not: it rewrites one block in place).
  bool changed = false;
  std::vector<Candidate> candidates;
  for (Loop* loop : loops.getLoopsInPreorder()) {
    if (!loop->isInnermost()) continue;
    if (LogLevel() >= 3) loop->getHeader()->print(errs());
    if (loop->getHeader()->size() > kMaxBodyInstructions) continue;
    const unsigned copies = MergeUnrolledVectorCopies(loop, evolution, scopes, noAnalyses, factor);
    if (copies > 1) {
      Log(loop, "merged " + Twine(copies) + " unrolled copies");
      changed = true;
    }
    Candidate candidate;
    if (factor / copies >= 2 && widener.analyse(loop, factor / copies, &candidate)) candidates.push_back(candidate);
  }
  if (candidates.empty()) return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
  for (const Candidate& candidate : candidates) widener.widen(candidate);
  // The trip counts' expansions stay in the preheaders even where widening gave up.
  return PreservedAnalyses::none();
}

}  // namespace wasm_native
