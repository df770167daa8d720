// Merging the unrolled copies of a 128-bit vector loop (part of the widening pass, O2/O3).
//
// Producers unroll small vector loops: clang's vectoriser interleaves two copies of the
// body for wasm, so each iteration loads A[i..i+1] and A[i+2..i+3] and advances by 32
// bytes. Iteration widening (vector_widening.cc) needs each access to advance by its own
// size, so such a loop is first turned back into one copy at m times the width: the value
// of the merged copy is the concatenation of the m copies' values, exactly as widening
// concatenates iterations, which is exact for lane-wise operations, shuffles (mask per
// part) and accesses that are adjacent in memory (copy j at j × size further).
//
// The copies are found from the accesses: every vector access of the loop advances by
// the same step S = m × size, and the accesses group into m-tuples at distances 0, size,
// ..., (m − 1) × size. From the stores' values (and the load anchors' operands) the tuples
// are extended along operands: m instructions of the same operation whose vector operands
// are tuples at the same positions, or one invariant value, and whose scalar operands are
// the same value. Every vector instruction of the loop must be in a tuple. A merged
// instruction replaces its tuple at the place of the tuple's last member; accesses of two
// tuples, one a store, must then be in disjoint scopes, at distances of at least the merged
// size, or at the same addresses in an order that merging keeps.

#include "vector_copy_merging.h"

#include "vector_parts.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/MemoryLocation.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"

namespace wasm_native {
namespace {

using namespace llvm;

bool IsVectorAccess(const Instruction& instruction) {
  if (const auto* load = dyn_cast<LoadInst>(&instruction)) return load->getType()->isVectorTy();
  if (const auto* store = dyn_cast<StoreInst>(&instruction)) return store->getValueOperand()->getType()->isVectorTy();
  return false;
}

struct Tuple {
  SmallVector<Instruction*, 4> members;  // copy 0 .. m − 1
  unsigned last = 0;                     // position of the member that comes last
  Value* merged = nullptr;
};

class CopyMerger {
 public:
  CopyMerger(Loop* loop, ScalarEvolution& evolution, ScopedNoAliasAAResult& scopes, AAResults& noAnalyses)
      : loop_(loop), body_(loop->getHeader()), evolution_(evolution), scopes_(scopes), noAnalyses_(noAnalyses) {}

  unsigned run(unsigned maxCopies) {
    unsigned index = 0;
    for (Instruction& instruction : *body_) position_[&instruction] = index++;
    if (!findAccessTuples(maxCopies)) return 1;
    for (Instruction& instruction : *body_) {
      // Merging moves vector accesses; any other access or effect would need ordering too.
      if ((instruction.mayReadOrWriteMemory() || instruction.mayHaveSideEffects()) && !IsVectorAccess(instruction) &&
          !IsVectorAnchor(instruction)) {
        return 1;
      }
      if (auto* store = dyn_cast<StoreInst>(&instruction)) {
        if (!matchOperands(store)) return 1;
      }
    }
    if (!matchAnchors()) return 1;
    for (Instruction& instruction : *body_) {
      if (auto* phi = dyn_cast<PHINode>(&instruction)) {
        if (phi->getType()->isVectorTy() && !recurrences_.count(phi)) return 1;
        continue;
      }
      const bool vector = instruction.getType()->isVectorTy() || IsVectorAccess(instruction) || IsVectorAnchor(instruction);
      if (vector && !memberOf_.count(&instruction)) return 1;
    }
    if (!usesFollowMerges() || !accessOrderKept()) return 1;
    merge();
    evolution_.forgetLoop(loop_);
    return copies_;
  }

 private:
  /** Groups the vector accesses into m-tuples of adjacent accesses. */
  bool findAccessTuples(unsigned maxCopies) {
    struct Access {
      Instruction* instruction;
      const SCEVAddRecExpr* pointer;
    };
    std::vector<Access> accesses;
    int64_t step = 0;
    for (Instruction& instruction : *body_) {
      if (!IsVectorAccess(instruction)) continue;
      if (isa<LoadInst>(instruction) ? !cast<LoadInst>(instruction).isSimple() : !cast<StoreInst>(instruction).isSimple()) {
        return false;
      }
      const auto* pointer = dyn_cast<SCEVAddRecExpr>(evolution_.getSCEV(getLoadStorePointerOperand(&instruction)));
      if (pointer == nullptr || pointer->getLoop() != loop_ || !pointer->isAffine()) return false;
      const auto* stride = dyn_cast<SCEVConstant>(pointer->getStepRecurrence(evolution_));
      const uint64_t size = body_->getDataLayout().getTypeStoreSize(getLoadStoreType(&instruction)).getFixedValue();
      if (stride == nullptr || (size_ != 0 && size != size_)) return false;
      if (step != 0 && stride->getAPInt().getSExtValue() != step) return false;
      size_ = size;
      step = stride->getAPInt().getSExtValue();
      accesses.push_back({&instruction, pointer});
    }
    // Matching is quadratic in the accesses: bodies of more than 128 are left alone.
    if (accesses.empty() || accesses.size() > 128 || size_ == 0 || step <= 0 ||
        step % static_cast<int64_t>(size_) != 0) {
      return false;
    }
    copies_ = static_cast<unsigned>(step / static_cast<int64_t>(size_));
    if (copies_ < 2 || copies_ > maxCopies || (copies_ & (copies_ - 1)) != 0) return false;
    auto distance = [&](const Access& from, const Access& to) -> std::optional<int64_t> {
      const auto* difference = dyn_cast<SCEVConstant>(evolution_.getMinusSCEV(to.pointer, from.pointer));
      if (difference == nullptr) return std::nullopt;
      return difference->getAPInt().getSExtValue();
    };
    auto sameKind = [](const Access& a, const Access& b) {
      return a.instruction->getOpcode() == b.instruction->getOpcode() &&
             getLoadStoreType(a.instruction) == getLoadStoreType(b.instruction);
    };
    for (const Access& first : accesses) {
      if (memberOf_.count(first.instruction)) continue;
      bool isFirst = true;
      for (const Access& other : accesses) {
        if (&other != &first && sameKind(first, other) && distance(first, other) == -static_cast<int64_t>(size_)) {
          isFirst = false;
        }
      }
      if (!isFirst) continue;
      SmallVector<Instruction*, 4> members{first.instruction};
      for (unsigned copy = 1; copy < copies_; copy++) {
        Instruction* found = nullptr;
        for (const Access& other : accesses) {
          if (!memberOf_.count(other.instruction) && sameKind(first, other) &&
              distance(first, other) == static_cast<int64_t>(copy * size_)) {
            found = other.instruction;
            break;
          }
        }
        if (found == nullptr) return false;
        members.push_back(found);
      }
      addTuple(members);
    }
    for (const Access& access : accesses) {
      if (!memberOf_.count(access.instruction)) return false;
    }
    return true;
  }

  void addTuple(ArrayRef<Instruction*> members) {
    Tuple tuple;
    tuple.members.assign(members.begin(), members.end());
    for (unsigned copy = 0; copy < members.size(); copy++) {
      memberOf_[members[copy]] = {static_cast<unsigned>(tuples_.size()), copy};
      tuple.last = std::max(tuple.last, position_[members[copy]]);
    }
    tuples_.push_back(tuple);
  }

  /** Extends the tuples along the operands of a tuple's members (given by its first member). */
  bool matchOperands(Instruction* first) {
    const Tuple& tuple = tuples_[memberOf_[first].first];
    SmallVector<Instruction*, 4> members = tuple.members;
    for (unsigned operand = 0; operand < first->getNumOperands(); operand++) {
      if (isa<LoadInst>(first) || (isa<StoreInst>(first) && operand == 1)) continue;  // addresses: matched already
      SmallVector<Value*, 4> values;
      for (Instruction* member : members) values.push_back(member->getOperand(operand));
      if (!values[0]->getType()->isVectorTy()) {
        for (Value* value : values) {
          if (value != values[0]) return false;  // scalar operands: one value for every copy
        }
        continue;
      }
      if (!matchValues(values)) return false;
    }
    return true;
  }

  bool matchValues(ArrayRef<Value*> values) {
    auto inLoop = [&](Value* value) {
      auto* instruction = dyn_cast<Instruction>(value);
      return instruction != nullptr && loop_->contains(instruction);
    };
    if (auto* phi = dyn_cast<PHINode>(values[0]); phi != nullptr && phi->getParent() == body_) {
      return matchRecurrence(phi, values);
    }
    if (!inLoop(values[0])) {
      for (Value* value : values) {
        if (value != values[0]) return false;
      }
      return true;  // one invariant for every copy
    }
    auto* first = cast<Instruction>(values[0]);
    if (auto found = memberOf_.find(first); found != memberOf_.end()) {
      const Tuple& tuple = tuples_[found->second.first];
      for (unsigned copy = 0; copy < values.size(); copy++) {
        if (found->second.second != 0 || tuple.members[copy] != values[copy]) return false;
      }
      return true;
    }
    if (isa<PHINode>(first) || isa<LoadInst>(first)) return false;
    for (Value* value : values) {
      auto* instruction = dyn_cast<Instruction>(value);
      if (instruction == nullptr || !loop_->contains(instruction) || memberOf_.count(instruction) ||
          !instruction->isSameOperationAs(first) || instruction->getParent() != body_) {
        return false;
      }
      if (auto* call = dyn_cast<CallInst>(instruction)) {
        if (!isa<IntrinsicInst>(call) || !IsLaneWise(cast<IntrinsicInst>(call)->getIntrinsicID()) ||
            call->getCalledOperand() != cast<CallInst>(first)->getCalledOperand()) {
          return false;
        }
      }
    }
    for (unsigned i = 0; i < values.size(); i++) {
      for (unsigned j = i + 1; j < values.size(); j++) {
        if (values[i] == values[j]) return false;
      }
    }
    SmallVector<Instruction*, 4> members;
    for (Value* value : values) members.push_back(cast<Instruction>(value));
    addTuple(members);
    return matchOperands(first);
  }

  /**
   * A vector recurrence of the unrolled body: copy 0 reads the phi (the last copy's value of
   * the previous iteration), copy j > 0 copy j − 1's value of this one, i.e. the tuple of the
   * phi's latch value shifted by one copy. Merged: the shift of the merged value with the
   * previous iteration's, as iteration widening does it.
   */
  bool matchRecurrence(PHINode* phi, ArrayRef<Value*> values) {
    if (!phi->getType()->isVectorTy()) return false;
    SmallVector<Value*, 4> carried(values.begin() + 1, values.end());
    carried.push_back(phi->getIncomingValueForBlock(body_));
    if (!matchValues(carried)) return false;
    auto* last = dyn_cast<Instruction>(carried.back());
    auto found = last != nullptr ? memberOf_.find(last) : memberOf_.end();
    if (found == memberOf_.end() || found->second.second != copies_ - 1) return false;
    for (User* user : phi->users()) {
      if (!memberOf_.count(cast<Instruction>(user)) && user != phi) return false;  // read only by merged copies
    }
    auto known = recurrences_.find(phi);
    if (known != recurrences_.end() && known->second.tuple != found->second.first) return false;
    recurrences_[phi] = {found->second.first, nullptr};
    return true;
  }

  /** Load anchors: one tuple per tuple of anchored values. */
  bool matchAnchors() {
    DenseMap<Value*, Instruction*> anchorOf;
    for (Instruction& instruction : *body_) {
      if (!IsVectorAnchor(instruction)) continue;
      Value* anchored = cast<CallInst>(instruction).getArgOperand(0);
      if (anchorOf.count(anchored)) return false;
      anchorOf[anchored] = &instruction;
    }
    for (auto [anchored, anchor] : anchorOf) {
      auto* value = dyn_cast<Instruction>(anchored);
      auto found = value != nullptr ? memberOf_.find(value) : memberOf_.end();
      if (found == memberOf_.end()) return false;
      if (found->second.second != 0) continue;
      SmallVector<Instruction*, 4> members;
      for (Instruction* member : tuples_[found->second.first].members) {
        auto other = anchorOf.find(member);
        if (other == anchorOf.end()) return false;
        members.push_back(other->second);
      }
      addTuple(members);
    }
    return true;
  }

  /** Users outside the tuples read a member's part after the merged instruction exists. */
  bool usesFollowMerges() {
    for (const Tuple& tuple : tuples_) {
      for (Instruction* member : tuple.members) {
        for (User* user : member->users()) {
          auto* instruction = cast<Instruction>(user);
          if (memberOf_.count(instruction) || instruction->getParent() != body_) continue;
          if (auto* phi = dyn_cast<PHINode>(instruction); phi != nullptr && recurrences_.count(phi)) continue;
          if (isa<PHINode>(instruction) || position_[instruction] <= tuple.last) return false;
        }
      }
    }
    return true;
  }

  bool accessOrderKept() {
    std::vector<unsigned> accessTuples;
    for (unsigned t = 0; t < tuples_.size(); t++) {
      if (IsVectorAccess(*tuples_[t].members[0])) accessTuples.push_back(t);
    }
    SimpleAAQueryInfo query(noAnalyses_);
    for (size_t a = 0; a < accessTuples.size(); a++) {
      for (size_t b = a + 1; b < accessTuples.size(); b++) {
        const Tuple& first = tuples_[accessTuples[a]];
        const Tuple& second = tuples_[accessTuples[b]];
        Instruction* x = first.members[0];
        Instruction* y = second.members[0];
        if (!isa<StoreInst>(x) && !isa<StoreInst>(y)) continue;
        if (scopes_.alias(MemoryLocation::get(x), MemoryLocation::get(y), query, nullptr) == AliasResult::NoAlias) continue;
        const auto* difference = dyn_cast<SCEVConstant>(evolution_.getMinusSCEV(
            evolution_.getSCEV(getLoadStorePointerOperand(x)), evolution_.getSCEV(getLoadStorePointerOperand(y))));
        if (difference == nullptr) return false;
        const int64_t delta = difference->getAPInt().getSExtValue();
        const int64_t mergedSize = static_cast<int64_t>(size_ * copies_);
        if (delta >= mergedSize || delta <= -mergedSize) continue;
        if (delta != 0) return false;
        // Same addresses: every copy's pair in the order the merged pair will have.
        const bool firstBefore = first.last < second.last;
        for (unsigned copy = 0; copy < copies_; copy++) {
          if ((position_[first.members[copy]] < position_[second.members[copy]]) != firstBefore) return false;
        }
      }
    }
    return true;
  }

  FixedVectorType* Merged(Type* type) const {
    auto* vector = cast<FixedVectorType>(type);
    return FixedVectorType::get(vector->getElementType(), vector->getNumElements() * copies_);
  }

  Value* MergedOperand(Value* operand) {
    if (auto* phi = dyn_cast<PHINode>(operand); phi != nullptr && recurrences_.count(phi)) return Shifted(phi);
    if (auto* instruction = dyn_cast<Instruction>(operand)) {
      auto found = memberOf_.find(instruction);
      if (found != memberOf_.end()) return tuples_[found->second.first].merged;
    }
    auto repeated = invariants_.find(operand);
    if (repeated != invariants_.end()) return repeated->second;
    const int lanes = static_cast<int>(cast<FixedVectorType>(operand->getType())->getNumElements());
    IRBuilder<> builder(loop_->getLoopPreheader()->getTerminator());
    Value* value = builder.CreateShuffleVector(operand, PoisonValue::get(operand->getType()), RepeatMask(lanes, copies_));
    invariants_[operand] = value;
    return value;
  }

  void copySharedMetadata(Instruction* merged, const Tuple& tuple) {
    for (unsigned kind : {LLVMContext::MD_tbaa, LLVMContext::MD_alias_scope, LLVMContext::MD_noalias}) {
      MDNode* node = tuple.members[0]->getMetadata(kind);
      bool shared = node != nullptr;
      for (Instruction* member : tuple.members) shared = shared && member->getMetadata(kind) == node;
      if (shared) merged->setMetadata(kind, node);
    }
  }

  void mergeTuple(Tuple& tuple) {
    Instruction* first = tuple.members[0];
    Instruction* lastMember = nullptr;
    for (Instruction* member : tuple.members) {
      if (position_[member] == tuple.last) lastMember = member;
    }
    IRBuilder<> builder(lastMember);
    if (auto* load = dyn_cast<LoadInst>(first)) {
      Align align = load->getAlign();
      for (Instruction* member : tuple.members) align = std::min(align, cast<LoadInst>(member)->getAlign());
      LoadInst* merged = builder.CreateAlignedLoad(Merged(load->getType()), load->getPointerOperand(), align, load->getName() + ".merged");
      copySharedMetadata(merged, tuple);
      tuple.merged = merged;
    } else if (auto* store = dyn_cast<StoreInst>(first)) {
      Align align = store->getAlign();
      for (Instruction* member : tuple.members) align = std::min(align, cast<StoreInst>(member)->getAlign());
      StoreInst* merged = builder.CreateAlignedStore(MergedOperand(store->getValueOperand()), store->getPointerOperand(), align);
      copySharedMetadata(merged, tuple);
      tuple.merged = merged;
    } else if (auto* shuffle = dyn_cast<ShuffleVectorInst>(first)) {
      const int lanes = static_cast<int>(cast<FixedVectorType>(shuffle->getOperand(0)->getType())->getNumElements());
      tuple.merged = builder.CreateShuffleVector(MergedOperand(shuffle->getOperand(0)), MergedOperand(shuffle->getOperand(1)),
                                                 PartwiseMask(shuffle->getShuffleMask(), lanes, copies_),
                                                 shuffle->getName() + ".merged");
    } else if (IsVectorAnchor(*first)) {
      tuple.merged = CreateAnchorLike(builder, *cast<CallInst>(first), MergedOperand(cast<CallInst>(first)->getArgOperand(0)));
    } else {
      Instruction* merged = first->clone();
      for (unsigned i = 0; i < merged->getNumOperands(); i++) {
        if (first->getOperand(i)->getType()->isVectorTy()) merged->setOperand(i, MergedOperand(first->getOperand(i)));
      }
      merged->mutateType(Merged(first->getType()));
      builder.Insert(merged, first->getName() + ".merged");
      // Lane-wise intrinsics (the only calls in tuples besides anchors) have widened forms.
      if (auto* intrinsic = dyn_cast<IntrinsicInst>(merged)) RedeclareWidenedIntrinsic(intrinsic);
      tuple.merged = merged;
    }
  }

  /** A recurrence's merged value: the last part of the previous iteration's, then this one's but its last. */
  Value* Shifted(PHINode* phi) {
    Recurrence& recurrence = recurrences_[phi];
    if (recurrence.shifted != nullptr) return recurrence.shifted;
    Value* merged = tuples_[recurrence.tuple].merged;  // made: every user comes after the tuple
    auto* type = cast<FixedVectorType>(merged->getType());
    const int lanes = static_cast<int>(type->getNumElements() / copies_);
    IRBuilder<> preheader(loop_->getLoopPreheader()->getTerminator());
    Value* initial = phi->getIncomingValueForBlock(loop_->getLoopPreheader());
    Value* start = preheader.CreateShuffleVector(initial, PoisonValue::get(initial->getType()), IntoLastPartMask(lanes, copies_));
    IRBuilder<> header(&*body_->getFirstInsertionPt());
    PHINode* previous = header.CreatePHI(type, 2, phi->getName() + ".merged");
    previous->addIncoming(start, loop_->getLoopPreheader());
    previous->addIncoming(merged, body_);
    IRBuilder<> builder(cast<Instruction>(merged)->getNextNode());
    recurrence.shifted = builder.CreateShuffleVector(previous, merged, ShiftedInMask(lanes, copies_), phi->getName() + ".shifted");
    return recurrence.shifted;
  }

  void merge() {
    std::vector<unsigned> order(tuples_.size());
    for (unsigned t = 0; t < order.size(); t++) order[t] = t;
    std::sort(order.begin(), order.end(), [&](unsigned a, unsigned b) { return tuples_[a].last < tuples_[b].last; });
    for (unsigned t : order) mergeTuple(tuples_[t]);
    // Members' other users (scalars after the merge, code after the loop) read their part.
    for (Tuple& tuple : tuples_) {
      if (tuple.merged->getType()->isVoidTy()) continue;
      auto* merged = cast<Instruction>(tuple.merged);
      const int lanes = static_cast<int>(cast<FixedVectorType>(tuple.members[0]->getType())->getNumElements());
      for (unsigned copy = 0; copy < copies_; copy++) {
        Instruction* member = tuple.members[copy];
        bool usedOutside = false;
        for (User* user : member->users()) usedOutside = usedOutside || !memberOf_.count(cast<Instruction>(user));
        if (!usedOutside) continue;
        IRBuilder<> builder(merged->getNextNode());
        Value* part = builder.CreateShuffleVector(merged, PoisonValue::get(merged->getType()), PartMask(lanes, copy));
        member->replaceUsesWithIf(part, [&](Use& use) { return !memberOf_.count(cast<Instruction>(use.getUser())); });
      }
    }
    for (Tuple& tuple : tuples_) {
      for (Instruction* member : tuple.members) member->dropAllReferences();
    }
    for (Tuple& tuple : tuples_) {
      for (Instruction* member : tuple.members) member->eraseFromParent();
    }
    for (auto& [phi, recurrence] : recurrences_) {
      phi->replaceAllUsesWith(PoisonValue::get(phi->getType()));  // only itself is left
      phi->eraseFromParent();
    }
  }

  Loop* loop_;
  BasicBlock* body_;
  ScalarEvolution& evolution_;
  ScopedNoAliasAAResult& scopes_;
  AAResults& noAnalyses_;
  uint64_t size_ = 0;
  unsigned copies_ = 1;
  DenseMap<Instruction*, unsigned> position_;
  DenseMap<Instruction*, std::pair<unsigned, unsigned>> memberOf_;  // tuple, copy
  std::vector<Tuple> tuples_;
  struct Recurrence {
    unsigned tuple;                // the tuple of the phi's latch value (at the last copy)
    Value* shifted = nullptr;      // made at the first merged user
  };
  DenseMap<PHINode*, Recurrence> recurrences_;
  DenseMap<Value*, Value*> invariants_;
};

}  // namespace

unsigned MergeUnrolledVectorCopies(Loop* loop, ScalarEvolution& evolution, ScopedNoAliasAAResult& scopes,
                                   AAResults& noAnalyses, unsigned maxCopies) {
  if (loop->getNumBlocks() != 1 || loop->getLoopPreheader() == nullptr) return 1;
  return CopyMerger(loop, evolution, scopes, noAnalyses).run(maxCopies);
}

}  // namespace wasm_native
