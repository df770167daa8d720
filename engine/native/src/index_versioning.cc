// Loop versioning on 32-bit indices (an LLVM IR → LLVM IR transformation, sound for any IR).
//
// Code compiled for a 32-bit address space forms its addresses in i32 arithmetic, which
// wraps, and extends the result: `gep %base, (zext i32 (%p + %i + 8) to i64)`. Scalar
// evolution cannot distribute the zext over the i32 additions (they may wrap), so two
// neighbouring accesses `zext(%p + %i)` and `zext(%p + %i + 8)` are unrelated pointers to
// it, and a loop over them is neither vectorised well nor strength-reduced into one pointer
// increment.
//
// For an innermost loop whose backedge-taken count is computable, each `zext i32 %e to i64`
// whose %e is an affine recurrence {s,+,t} of the loop gets a 64-bit "promotion" P of %e:
// the same expression with every i32 leaf zero-extended, every constant sign-extended and
// every addition and multiplication by a constant done in i64. Promotion commutes with
// arithmetic modulo 2^32, so P ≡ %e (mod 2^32) always, and zext(%e) == P exactly when P
// lies in [0, 2^32). P is affine in the iteration number, so it suffices to test its first
// and last values. The loop is cloned; the preheader checks, for every group of indices
// that differ by constants, that the lowest first value and the highest last value (or the
// reverse for a negative step) lie in [0, 2^32), with the step a constant below 2^31 in
// magnitude and the backedge-taken count below 2^32, so that none of the check's i64
// arithmetic overflows. When the check passes, the original loop runs with each zext
// replaced by P, a no-wrap i64 recurrence; otherwise the unchanged clone runs.
//
// Three additions, each under the same check: when every memory access of the loop goes
// through a group index over one base, the byte ranges the groups touch must also be
// pairwise disjoint where one is written, and the checked loop's accesses carry scoped
// no-alias metadata naming the groups (the vectoriser then needs no overlap checks); an exit
// test `i == n` with a step of ±2^k, where scalar evolution finds no trip count, is versioned
// on divisibility too and becomes a counter compare; a load carried to the next iteration
// whose group is only read moves to the top of the header (vectorisable recurrence). The
// values computed are the same whatever the inputs; only which stores precede an
// out-of-bounds trap may change (docs/RATIONALE.md, "Why version loops on 32-bit indices?").
//
// Loops with bounds guards (the translator's explicit checks under exactTraps: a branch to
// a block that ends in `unreachable` when `index + c > limit`, unsigned, with `limit`
// invariant and `index` one of the loop's indices or invariant) are versioned too: counted
// by their latch's exit, the check also requires every guard to pass on every iteration
// (the index's largest value plus c at most limit), and the checked loop loses its guards,
// so it has a single exit again and no access in it can trap, while the unchanged clone
// keeps them (docs/RATIONALE.md, "Why explicit bounds checks for exact state after a trap?").

#include "index_versioning.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PatternMatch.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/LoopSimplify.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

namespace wasm_native {
namespace {

using namespace llvm;
using namespace llvm::PatternMatch;

constexpr int64_t kMaxStep = (int64_t{1} << 31) - 1;
constexpr int64_t kMaxGroupOffset = int64_t{1} << 30;
constexpr uint64_t kFourGiB = uint64_t{1} << 32;
constexpr size_t kMaxDisjointPairs = 32;

/** The i64 promotion of an i32 SCEV expression, or nullptr when it has no useful one. */
class Promoter {
 public:
  explicit Promoter(ScalarEvolution& evolution)
      : evolution_(evolution), i64_(Type::getInt64Ty(evolution.getContext())) {}

  const SCEV* promote(const SCEV* expression) {
    if (const auto* constant = dyn_cast<SCEVConstant>(expression)) {
      return evolution_.getConstant(i64_, constant->getAPInt().getSExtValue(), /*isSigned=*/true);
    }
    if (const auto* add = dyn_cast<SCEVAddExpr>(expression)) {
      SmallVector<const SCEV*, 4> operands;
      for (const SCEV* operand : add->operands()) operands.push_back(promote(operand));
      return evolution_.getAddExpr(operands);
    }
    if (const auto* multiply = dyn_cast<SCEVMulExpr>(expression)) {
      // A constant times one other operand; a product of unknowns stays a leaf.
      if (multiply->getNumOperands() == 2 && isa<SCEVConstant>(multiply->getOperand(0))) {
        return evolution_.getMulExpr(promote(multiply->getOperand(0)), promote(multiply->getOperand(1)));
      }
      return leaf(expression);
    }
    if (const auto* recurrence = dyn_cast<SCEVAddRecExpr>(expression)) {
      if (!recurrence->isAffine()) return leaf(expression);
      return evolution_.getAddRecExpr(promote(recurrence->getStart()),
                                      promote(recurrence->getStepRecurrence(evolution_)),
                                      recurrence->getLoop(), SCEV::FlagAnyWrap);
    }
    if (const auto* extension = dyn_cast<SCEVSignExtendExpr>(expression)) {
      return evolution_.getSignExtendExpr(extension->getOperand(), i64_);
    }
    if (const auto* extension = dyn_cast<SCEVZeroExtendExpr>(expression)) {
      return evolution_.getZeroExtendExpr(extension->getOperand(), i64_);
    }
    return leaf(expression);
  }

 private:
  const SCEV* leaf(const SCEV* expression) { return evolution_.getZeroExtendExpr(expression, i64_); }

  ScalarEvolution& evolution_;
  Type* i64_;
};

/** One zext to rewrite: its promoted recurrence is {base + offset, +, step}. */
struct Candidate {
  ZExtInst* extension;
  int64_t offset;
};

/** A load or store whose address is `memory base + candidate + byteOffset`. */
struct Access {
  Instruction* instruction;
  int64_t byteOffset;  // relative to the group's lowest start
  uint64_t size;
  bool isStore;
};

/**
 * Indices sharing a base and a step; their offsets lie in [lowest, highest]. With the
 * accesses through them, the bytes touched on one iteration lie in
 * [lowestStart + firstByte, lowestStart + endByte).
 */
struct Group {
  const SCEV* base;
  int64_t step;
  int64_t lowest;
  int64_t highest;
  std::vector<Candidate> members;
  std::vector<Access> accesses;
  int64_t firstByte = 0;
  int64_t endByte = 0;
  bool hasStore = false;
  MDNode* scope = nullptr;
};

/** The constant term of an i64 SCEV sum, looking into the starts of recurrences. */
int64_t ConstantTerm(const SCEV* expression) {
  if (const auto* constant = dyn_cast<SCEVConstant>(expression)) return constant->getAPInt().getSExtValue();
  if (const auto* add = dyn_cast<SCEVAddExpr>(expression)) {
    if (const auto* constant = dyn_cast<SCEVConstant>(add->getOperand(0))) return constant->getAPInt().getSExtValue();
  }
  if (const auto* recurrence = dyn_cast<SCEVAddRecExpr>(expression)) return ConstantTerm(recurrence->getStart());
  return 0;
}

/**
 * Splits a loop-invariant i64 start into a SCEV base and a small constant offset, so that
 * indices differing by constants ({p + 8,+,1760}<outer> and {p,+,1760}<outer>) share a base.
 */
std::pair<const SCEV*, int64_t> SplitOffset(ScalarEvolution& evolution, const SCEV* start) {
  int64_t offset = ConstantTerm(start);
  if (offset == 0 || offset <= -kMaxGroupOffset || offset >= kMaxGroupOffset) return {start, 0};
  return {evolution.getMinusSCEV(start, evolution.getConstant(start->getType(), offset, /*isSigned=*/true)), offset};
}

/** Whether `value` is used as (part of) an address: by a GEP, directly or through an add. */
bool FeedsAddress(const Value* value) {
  for (const User* user : value->users()) {
    if (isa<GetElementPtrInst>(user)) return true;
    if (const auto* binary = dyn_cast<BinaryOperator>(user)) {
      if (binary->getOpcode() == Instruction::Add) {
        for (const User* next : binary->users()) {
          if (isa<GetElementPtrInst>(next)) return true;
        }
      }
    }
  }
  return false;
}

/** An address decomposed as `base + zext(...) + offset` (bytes). */
struct AddressParts {
  Value* base = nullptr;
  ZExtInst* index = nullptr;
  int64_t offset = 0;
};

/**
 * Decomposes `pointer` into base + index + constant when it is a chain of byte GEPs with
 * constant offsets over `gep i8, base, zext` or `gep i8, base, (add zext, constant)`; with
 * `baseOffsets`, constant-offset GEPs on the base count into the constant too.
 */
bool DecomposeAddress(Value* pointer, const DataLayout& layout, bool baseOffsets, AddressParts* parts) {
  int64_t offset = 0;
  for (int depth = 0; depth < 8; depth++) {
    auto* element = dyn_cast<GetElementPtrInst>(pointer);
    if (!element) return false;
    APInt constant(64, 0);
    if (element->accumulateConstantOffset(layout, constant)) {
      if (constant.getSignificantBits() > 32) return false;
      offset += constant.getSExtValue();
      pointer = element->getPointerOperand();
      continue;
    }
    if (element->getNumIndices() != 1 || layout.getTypeAllocSize(element->getSourceElementType()) != 1) return false;
    Value* index = element->getOperand(1);
    if (auto* add = dyn_cast<BinaryOperator>(index); add && add->getOpcode() == Instruction::Add) {
      auto* addend = dyn_cast<ConstantInt>(add->getOperand(1));
      if (!addend || addend->getValue().getSignificantBits() > 32) return false;
      offset += addend->getSExtValue();
      index = add->getOperand(0);
    }
    auto* extension = dyn_cast<ZExtInst>(index);
    if (!extension) return false;
    // A constant offset may also sit on the base (LICM hoists `memory + 16` out of a loop
    // for a memarg offset): the base of every access is then the memory's own.
    Value* base = element->getPointerOperand();
    for (int hoisted = 0; baseOffsets && hoisted < 4; hoisted++) {
      auto* constantStep = dyn_cast<GetElementPtrInst>(base);
      APInt baseOffset(64, 0);
      if (!constantStep || !constantStep->accumulateConstantOffset(layout, baseOffset)) break;
      if (baseOffset.getSignificantBits() > 32) return false;
      offset += baseOffset.getSExtValue();
      base = constantStep->getPointerOperand();
    }
    parts->base = base;
    parts->index = extension;
    parts->offset = offset;
    return true;
  }
  return false;
}

/** The exit test `x == bound` (or `x != bound` to stay) of a loop, x = {first,+,step}. */
struct StridedExit {
  ICmpInst* compare = nullptr;
  const SCEV* first = nullptr;
  const SCEV* bound = nullptr;
  int64_t step = 0;
};

/**
 * Matches the single exiting block's test against an affine recurrence whose constant step
 * is a power of two in magnitude (other than ±1, which scalar evolution handles itself).
 */
bool MatchStridedExit(ScalarEvolution& evolution, Loop* loop, BasicBlock* exiting, StridedExit* exit) {
  auto* branch = dyn_cast<BranchInst>(exiting->getTerminator());
  if (!branch || !branch->isConditional()) return false;
  auto* compare = dyn_cast<ICmpInst>(branch->getCondition());
  if (!compare || !compare->isEquality() || !compare->getOperand(0)->getType()->isIntegerTy()) return false;
  if (compare->getOperand(0)->getType()->getIntegerBitWidth() > 64) return false;
  // The loop must be left when the operands are equal.
  bool leavesOnTrue = !loop->contains(branch->getSuccessor(0));
  if (leavesOnTrue != (compare->getPredicate() == ICmpInst::ICMP_EQ)) return false;
  for (int side = 0; side < 2; side++) {
    const auto* recurrence = dyn_cast<SCEVAddRecExpr>(evolution.getSCEV(compare->getOperand(side)));
    const SCEV* bound = evolution.getSCEV(compare->getOperand(1 - side));
    if (!recurrence || recurrence->getLoop() != loop || !recurrence->isAffine()) continue;
    if (!evolution.isLoopInvariant(bound, loop)) continue;
    const auto* step = dyn_cast<SCEVConstant>(recurrence->getStepRecurrence(evolution));
    if (!step) continue;
    int64_t value = step->getAPInt().getSExtValue();
    uint64_t magnitude = value > 0 ? value : -static_cast<uint64_t>(value);
    if (magnitude < 2 || magnitude > (uint64_t{1} << 30) || !isPowerOf2_64(magnitude)) continue;
    *exit = StridedExit{compare, recurrence->getStart(), bound, value};
    return true;
  }
  return false;
}

/**
 * One test of a bounds guard: the loop leaves for a trap when `value > limit` (or `value >=
 * limit` when `inclusive`), unsigned; value is `index + constant` (index a zext of the loop,
 * matched to a group later) or loop-invariant.
 */
struct GuardTest {
  Value* limit = nullptr;
  ZExtInst* index = nullptr;  // nullptr: `invariant` is the whole value
  Value* invariant = nullptr;
  int64_t constant = 0;
  bool inclusive = false;
};

/** A branch that leaves the loop for a trap when any of its tests fails. */
struct Guard {
  BranchInst* branch = nullptr;
  unsigned exitSuccessor = 0;
  std::vector<GuardTest> tests;
};

/** Whether every path from `block` ends in `unreachable` after at most a few blocks. */
bool LeadsToTrap(BasicBlock* block) {
  for (int depth = 0; depth < 4 && block; depth++) {
    Instruction* terminator = block->getTerminator();
    if (isa<UnreachableInst>(terminator)) return true;
    auto* branch = dyn_cast<BranchInst>(terminator);
    if (!branch || branch->isConditional()) return false;
    block = branch->getSuccessor(0);
  }
  return false;
}

/** `value` as `index + constant` or invariant, into *test. */
bool MatchGuardValue(Loop* loop, Value* value, GuardTest* test) {
  if (loop->isLoopInvariant(value)) {
    test->invariant = value;
    return true;
  }
  int64_t constant = 0;
  if (auto* add = dyn_cast<BinaryOperator>(value); add && add->getOpcode() == Instruction::Add && add->hasNoUnsignedWrap()) {
    auto* addend = dyn_cast<ConstantInt>(add->getOperand(1));
    if (!addend || addend->getValue().getActiveBits() > 34) return false;
    constant = static_cast<int64_t>(addend->getZExtValue());
    value = add->getOperand(0);
  }
  auto* extension = dyn_cast<ZExtInst>(value);
  if (!extension || !extension->getSrcTy()->isIntegerTy(32)) return false;
  test->index = extension;
  test->constant = constant;
  return true;
}

/**
 * Splits the condition under which a guard leaves (`condition` == `leaveWhen`) into tests:
 * an `or` of conditions that each leave (and an `and` of conditions that each stay), with
 * `select a, true, b` and `select a, b, false` as SimplifyCFG writes them, and negations.
 */
bool CollectGuardTests(Loop* loop, Value* condition, bool leaveWhen, std::vector<GuardTest>* tests, int depth = 0) {
  if (depth > 8) return false;
  Value* left = nullptr;
  Value* right = nullptr;
  if (leaveWhen ? match(condition, m_LogicalOr(m_Value(left), m_Value(right))) : match(condition, m_LogicalAnd(m_Value(left), m_Value(right)))) {
    return CollectGuardTests(loop, left, leaveWhen, tests, depth + 1) && CollectGuardTests(loop, right, leaveWhen, tests, depth + 1);
  }
  if (match(condition, m_Not(m_Value(left)))) return CollectGuardTests(loop, left, !leaveWhen, tests, depth + 1);
  auto* compare = dyn_cast<ICmpInst>(condition);
  if (!compare || !compare->getOperand(0)->getType()->isIntegerTy(64)) return false;
  ICmpInst::Predicate predicate = leaveWhen ? compare->getPredicate() : compare->getInversePredicate();
  GuardTest test;
  Value* value = nullptr;
  switch (predicate) {
    case ICmpInst::ICMP_UGT: value = compare->getOperand(0); test.limit = compare->getOperand(1); break;
    case ICmpInst::ICMP_ULT: value = compare->getOperand(1); test.limit = compare->getOperand(0); break;
    case ICmpInst::ICMP_UGE: value = compare->getOperand(0); test.limit = compare->getOperand(1); test.inclusive = true; break;
    case ICmpInst::ICMP_ULE: value = compare->getOperand(1); test.limit = compare->getOperand(0); test.inclusive = true; break;
    default: return false;
  }
  if (!loop->isLoopInvariant(test.limit) || !MatchGuardValue(loop, value, &test)) return false;
  tests->push_back(test);
  return true;
}

/** Matches `block`'s exit from `loop` as a bounds guard (see the file header). */
bool MatchGuard(Loop* loop, BasicBlock* block, Guard* guard) {
  auto* branch = dyn_cast<BranchInst>(block->getTerminator());
  if (!branch || !branch->isConditional()) return false;
  bool firstInside = loop->contains(branch->getSuccessor(0));
  bool secondInside = loop->contains(branch->getSuccessor(1));
  if (firstInside == secondInside) return false;
  unsigned exitSuccessor = firstInside ? 1 : 0;
  if (!LeadsToTrap(branch->getSuccessor(exitSuccessor))) return false;
  guard->branch = branch;
  guard->exitSuccessor = exitSuccessor;
  return CollectGuardTests(loop, branch->getCondition(), exitSuccessor == 0, &guard->tests);
}

class LoopIndexVersioner {
 public:
  LoopIndexVersioner(const IndexVersioningOptions& options, Function& function, LoopInfo& loops,
                     DominatorTree& dominators, ScalarEvolution& evolution, AssumptionCache& assumptions)
      : options_(options),
        function_(function),
        layout_(function.getParent()->getDataLayout()),
        loops_(loops),
        dominators_(dominators),
        evolution_(evolution),
        assumptions_(assumptions),
        i64_(Type::getInt64Ty(function.getContext())) {}

  /** Versions `loop` if it has indices to widen; returns whether the IR changed. */
  bool run(Loop* loop) {
    bool changed = simplifyLoop(loop, &dominators_, &loops_, &evolution_, &assumptions_, nullptr, /*PreserveLCSSA=*/false);
    changed |= formLCSSARecursively(*loop, dominators_, &loops_, &evolution_);
    return versionIfUseful(loop) || changed;
  }

 private:
  bool versionIfUseful(Loop* loop) {
    BasicBlock* preheader = loop->getLoopPreheader();
    BasicBlock* exiting = loop->getExitingBlock();
    BasicBlock* exit = loop->getExitBlock();
    std::vector<Guard> guards;
    if (!exiting && !findGuards(loop, &exiting, &exit, &guards)) return false;
    if (!preheader || !exiting || !exit || exit->getSinglePredecessor() != exiting) return false;
    if (!loop->isLoopSimplifyForm() || !loop->isLCSSAForm(dominators_)) return false;
    // With guards, the latch's exit count bounds the iterations (a guard leaves earlier).
    const SCEV* backedges = guards.empty() ? evolution_.getBackedgeTakenCount(loop) : evolution_.getExitCount(loop, exiting);
    StridedExit stridedExit;
    if (isa<SCEVCouldNotCompute>(backedges)) {
      // Scalar evolution gives up on `i += 2; if (i != n) loop` (n - i may be odd);
      // such a loop is versioned on the divisibility too, and its exit test rewritten.
      if (!options_.stridedExits || exiting != loop->getLoopLatch()) return false;
      if (!MatchStridedExit(evolution_, loop, exiting, &stridedExit)) return false;
      backedges = nullptr;
    } else if (!backedges->getType()->isIntegerTy() || backedges->getType()->getIntegerBitWidth() > 64) {
      return false;
    }

    std::vector<Group> groups;
    if (!collectIndices(loop, &groups)) return false;
    std::vector<std::pair<size_t, int64_t>> guardIndices;  // per guard test: (group, member offset - group.lowest)
    if (!matchGuardIndices(groups, guards, &guardIndices)) return false;
    std::vector<std::pair<size_t, size_t>> disjointPairs;
    bool separateGroups = collectAccesses(loop, &groups) && choosePairs(groups, &disjointPairs);

    SCEVExpander expander(evolution_, layout_, "ixv");
    Instruction* checkPoint = preheader->getTerminator();
    if (backedges && !expander.isSafeToExpandAt(backedges, checkPoint)) return false;
    if (!backedges && (!expander.isSafeToExpandAt(stridedExit.first, checkPoint) ||
                       !expander.isSafeToExpandAt(stridedExit.bound, checkPoint))) {
      return false;
    }
    for (const Group& group : groups) {
      if (!expander.isSafeToExpandAt(group.base, checkPoint)) return false;
    }
    for (const Guard& guard : guards) {
      for (const GuardTest& test : guard.tests) {
        if (!Dominates(test.limit, checkPoint) || (test.invariant && !Dominates(test.invariant, checkPoint))) return false;
      }
    }
    Value* check = backedges ? emitCount(expander, checkPoint, backedges) : emitStridedCount(expander, checkPoint, stridedExit);
    std::vector<Value*> lowestStarts;
    check = emitRangeCheck(expander, checkPoint, check, groups, &lowestStarts);
    if (separateGroups) check = emitDisjointnessCheck(checkPoint, check, groups, lowestStarts, disjointPairs);
    if (!guards.empty()) check = emitGuardCheck(checkPoint, check, groups, lowestStarts, guards, guardIndices);
    version(loop, preheader, exiting, exit, check);
    rewrite(loop, groups, lowestStarts);
    if (!guards.empty()) removeGuards(guards);
    if (!backedges) rewriteExitTest(loop, stridedExit);
    if (separateGroups) {
      annotateScopes(&groups, disjointPairs);
      if (options_.hoistCarriedLoads) hoistCarriedLoads(loop, groups);
    }
    evolution_.forgetLoop(loop);
    return true;
  }

  /**
   * For a loop with several exits: the latch's exit is the loop's, and every other exit
   * must be a bounds guard. Sets *exiting to the latch and *exit to its exit block.
   */
  bool findGuards(Loop* loop, BasicBlock** exiting, BasicBlock** exit, std::vector<Guard>* guards) {
    BasicBlock* latch = loop->getLoopLatch();
    if (!latch) return false;
    auto* latchBranch = dyn_cast<BranchInst>(latch->getTerminator());
    if (!latchBranch || !latchBranch->isConditional()) return false;
    SmallVector<BasicBlock*, 8> exitingBlocks;
    loop->getExitingBlocks(exitingBlocks);
    for (BasicBlock* block : exitingBlocks) {
      if (block == latch) continue;
      Guard guard;
      if (!MatchGuard(loop, block, &guard)) return false;
      guards->push_back(guard);
    }
    BasicBlock* latchExit = nullptr;
    for (BasicBlock* successor : successors(latch)) {
      if (!loop->contains(successor)) latchExit = successor;
    }
    if (!latchExit || guards->empty()) return false;
    *exiting = latch;
    *exit = latchExit;
    return true;
  }

  /** Each guard test's index must be a member of a group; records (group, offset from its lowest), tests in order. */
  static bool matchGuardIndices(const std::vector<Group>& groups, const std::vector<Guard>& guards,
                                std::vector<std::pair<size_t, int64_t>>* found) {
    for (const Guard& guard : guards) {
      for (const GuardTest& test : guard.tests) {
        if (!test.index) {
          found->emplace_back(0, 0);
          continue;
        }
        bool matched = false;
        for (size_t i = 0; i < groups.size() && !matched; i++) {
          for (const Candidate& member : groups[i].members) {
            if (member.extension != test.index) continue;
            found->emplace_back(i, member.offset - groups[i].lowest);
            matched = true;
            break;
          }
        }
        if (!matched) return false;
      }
    }
    return true;
  }

  bool Dominates(Value* value, Instruction* at) const {
    auto* instruction = dyn_cast<Instruction>(value);
    return !instruction || dominators_.dominates(instruction, at);
  }

  /**
   * `inRange` and: no guard fails on any iteration — for an index guard, the index's largest
   * value (its last for a positive step, its first otherwise) plus the constant is at most
   * the limit; for an invariant guard, the value is. Given `inRange`, indices are below 2^32
   * and constants below 2^34, so nothing here overflows.
   */
  Value* emitGuardCheck(Instruction* at, Value* inRange, const std::vector<Group>& groups,
                        const std::vector<Value*>& lowestStarts, const std::vector<Guard>& guards,
                        const std::vector<std::pair<size_t, int64_t>>& guardIndices) {
    IRBuilder<> builder(at);
    Value* check = inRange;
    size_t t = 0;
    for (const Guard& guard : guards) {
      for (const GuardTest& test : guard.tests) {
        auto [groupIndex, memberOffset] = guardIndices[t++];
        Value* largest = test.invariant;
        if (test.index) {
          const Group& group = groups[groupIndex];
          largest = builder.CreateAdd(lowestStarts[groupIndex], ConstantInt::get(i64_, memberOffset + test.constant, true), "ixv.guard");
          if (group.step > 0) {
            largest = builder.CreateAdd(largest, builder.CreateMul(count_, ConstantInt::get(i64_, group.step, true)), "ixv.guard.last");
          }
        }
        Value* passes = test.inclusive ? builder.CreateICmpULT(largest, test.limit) : builder.CreateICmpULE(largest, test.limit);
        check = builder.CreateAnd(check, passes, "ixv.guards");
      }
    }
    return check;
  }

  /** In the checked loop, each guard always passes: its branch goes straight on. */
  void removeGuards(const std::vector<Guard>& guards) {
    for (const Guard& guard : guards) {
      BranchInst* branch = guard.branch;
      BasicBlock* block = branch->getParent();
      BasicBlock* exit = branch->getSuccessor(guard.exitSuccessor);
      BasicBlock* next = branch->getSuccessor(1 - guard.exitSuccessor);
      exit->removePredecessor(block);
      BranchInst::Create(next, branch);
      branch->eraseFromParent();
    }
    dominators_.recalculate(function_);
  }

  bool collectIndices(Loop* loop, std::vector<Group>* groups) {
    Promoter promoter(evolution_);
    std::map<std::pair<const SCEV*, int64_t>, size_t> groupIndex;
    for (BasicBlock* block : loop->blocks()) {
      for (Instruction& instruction : *block) {
        auto* extension = dyn_cast<ZExtInst>(&instruction);
        if (!extension || !extension->getSrcTy()->isIntegerTy(32) || !extension->getDestTy()->isIntegerTy(64)) continue;
        if (!FeedsAddress(extension)) continue;
        const auto* index = dyn_cast<SCEVAddRecExpr>(evolution_.getSCEV(extension->getOperand(0)));
        if (!index || index->getLoop() != loop || !index->isAffine()) continue;
        if (isa<SCEVAddRecExpr>(evolution_.getSCEV(extension))) continue;  // already a recurrence
        const auto* promoted = dyn_cast<SCEVAddRecExpr>(promoter.promote(index));
        if (!promoted || promoted->getLoop() != loop || !promoted->isAffine()) continue;
        const auto* step = dyn_cast<SCEVConstant>(promoted->getStepRecurrence(evolution_));
        if (!step) continue;
        int64_t stepValue = step->getAPInt().getSExtValue();
        if (stepValue == 0 || stepValue > kMaxStep || stepValue < -kMaxStep) continue;
        const SCEV* start = promoted->getStart();
        if (!evolution_.isLoopInvariant(start, loop)) continue;
        auto [base, offset] = SplitOffset(evolution_, start);
        auto [found, inserted] = groupIndex.try_emplace({base, stepValue}, groups->size());
        if (inserted) groups->push_back(Group{base, stepValue, offset, offset, {}, {}});
        Group& group = (*groups)[found->second];
        group.lowest = std::min(group.lowest, offset);
        group.highest = std::max(group.highest, offset);
        group.members.push_back(Candidate{extension, offset});
      }
    }
    return !groups->empty();
  }

  /**
   * Assigns every memory access of the loop to the group of its index. False when some
   * access is not through a candidate index of one common base (a call, an invariant
   * address, another memory...): the groups then cannot be told apart by scopes.
   */
  bool collectAccesses(Loop* loop, std::vector<Group>* groups) {
    std::map<ZExtInst*, std::pair<size_t, int64_t>> groupOf;  // → (group, offset - group.lowest)
    for (size_t i = 0; i < groups->size(); i++) {
      const Group& group = (*groups)[i];
      for (const Candidate& member : group.members) groupOf[member.extension] = {i, member.offset - group.lowest};
    }
    Value* commonBase = nullptr;
    for (BasicBlock* block : loop->blocks()) {
      for (Instruction& instruction : *block) {
        if (!instruction.mayReadOrWriteMemory()) continue;
        Value* pointer = nullptr;
        Type* type = nullptr;
        bool isStore = false;
        if (auto* load = dyn_cast<LoadInst>(&instruction); load && load->isSimple()) {
          pointer = load->getPointerOperand();
          type = load->getType();
        } else if (auto* store = dyn_cast<StoreInst>(&instruction); store && store->isSimple()) {
          pointer = store->getPointerOperand();
          type = store->getValueOperand()->getType();
          isStore = true;
        } else if (auto* call = dyn_cast<CallBase>(&instruction); call && call->onlyAccessesInaccessibleMemory()) {
          continue;  // e.g. the translator's anchors of loaded values: no linear memory
        } else {
          return false;
        }
        AddressParts parts;
        if (!DecomposeAddress(pointer, layout_, options_.baseOffsets, &parts)) return false;
        auto found = groupOf.find(parts.index);
        if (found == groupOf.end()) return false;
        if (commonBase && parts.base != commonBase) return false;
        commonBase = parts.base;
        if (!loop->isLoopInvariant(commonBase)) return false;
        TypeSize size = layout_.getTypeStoreSize(type);
        if (size.isScalable()) return false;
        Group& group = (*groups)[found->second.first];
        int64_t first = found->second.second + parts.offset;
        int64_t end = first + static_cast<int64_t>(size.getFixedValue());
        if (group.accesses.empty()) {
          group.firstByte = first;
          group.endByte = end;
        }
        group.firstByte = std::min(group.firstByte, first);
        group.endByte = std::max(group.endByte, end);
        group.hasStore |= isStore;
        group.accesses.push_back(Access{&instruction, first, size.getFixedValue(), isStore});
      }
    }
    return true;
  }

  /** The pairs of groups to prove disjoint: those where one writes. False if too many. */
  static bool choosePairs(const std::vector<Group>& groups, std::vector<std::pair<size_t, size_t>>* pairs) {
    for (size_t i = 0; i < groups.size(); i++) {
      for (size_t j = i + 1; j < groups.size(); j++) {
        if (groups[i].accesses.empty() || groups[j].accesses.empty()) continue;
        if (groups[i].hasStore || groups[j].hasStore) pairs->emplace_back(i, j);
      }
    }
    return !pairs->empty() && pairs->size() <= kMaxDisjointPairs;
  }

  /**
   * The backedge-taken count as i64 in count_; returns i1 "it is below 2^32", which keeps
   * the products count × step of the range checks exact.
   */
  Value* emitCount(SCEVExpander& expander, Instruction* at, const SCEV* backedges) {
    Value* count = expander.expandCodeFor(backedges, backedges->getType(), at);
    IRBuilder<> builder(at);
    Value* small = builder.getTrue();
    if (count->getType()->getIntegerBitWidth() > 32) {
      small = builder.CreateICmpULT(count, ConstantInt::get(count->getType(), kFourGiB), "ixv.count");
    }
    count_ = builder.CreateZExt(count, i64_);
    return small;
  }

  /**
   * For an exit `x == bound` with x = {first,+,step}, step = ±2^k: the loop leaves after
   * distance / |step| backedges, where distance = (bound - first) × sign(step) modulo the
   * width, when |step| divides it (otherwise x never equals bound: an infinite loop, left
   * to the unchanged clone). Returns i1 "divisible and count below 2^32"; count_ is set.
   */
  Value* emitStridedCount(SCEVExpander& expander, Instruction* at, const StridedExit& exit) {
    Type* type = exit.first->getType();
    Value* first = expander.expandCodeFor(exit.first, type, at);
    Value* bound = expander.expandCodeFor(exit.bound, type, at);
    IRBuilder<> builder(at);
    Value* distance = exit.step > 0 ? builder.CreateSub(bound, first, "ixv.distance") : builder.CreateSub(first, bound, "ixv.distance");
    uint64_t magnitude = exit.step > 0 ? exit.step : -exit.step;
    Value* remainder = builder.CreateAnd(distance, ConstantInt::get(type, magnitude - 1));
    Value* divisible = builder.CreateICmpEQ(remainder, ConstantInt::get(type, 0), "ixv.divisible");
    Value* count = builder.CreateLShr(distance, ConstantInt::get(type, Log2_64(magnitude)), "ixv.count");
    if (type->getIntegerBitWidth() > 32) {
      divisible = builder.CreateAnd(divisible, builder.CreateICmpULT(count, ConstantInt::get(type, kFourGiB)));
    }
    count_ = builder.CreateZExtOrTrunc(count, i64_);
    tripCount_ = builder.CreateAdd(count_, ConstantInt::get(i64_, 1), "ixv.trips", /*HasNUW=*/true, /*HasNSW=*/true);
    return divisible;
  }

  /** `inRange` and: every promoted index of every group stays in [0, 2^32) on every iteration. */
  Value* emitRangeCheck(SCEVExpander& expander, Instruction* at, Value* inRange, const std::vector<Group>& groups,
                        std::vector<Value*>* lowestStarts) {
    IRBuilder<> builder(at);
    Value* count = count_;
    Constant* limit = ConstantInt::get(i64_, kFourGiB);
    for (const Group& group : groups) {
      Value* base = expander.expandCodeFor(group.base, i64_, at);
      builder.SetInsertPoint(at);
      Value* lowest = builder.CreateAdd(base, ConstantInt::get(i64_, group.lowest, true), "ixv.lo");
      Value* highest = builder.CreateAdd(base, ConstantInt::get(i64_, group.highest, true), "ixv.hi");
      lowestStarts->push_back(lowest);
      Value* span = builder.CreateMul(count, ConstantInt::get(i64_, group.step, true), "ixv.span");
      // The smallest value is the lowest start (step > 0) or the lowest end (step < 0);
      // the largest, the highest end or the highest start. Unsigned compares: a negative
      // value is >= 2^32 too. lowest and highest both in range makes highest - lowest
      // exact, and |span| < 2^63 - 2^32 (count < 2^32, |step| < 2^31) keeps the ends exact.
      Value* minimum = group.step > 0 ? lowest : builder.CreateAdd(lowest, span, "ixv.min");
      Value* maximum = group.step > 0 ? builder.CreateAdd(highest, span, "ixv.max") : highest;
      inRange = builder.CreateAnd(inRange, builder.CreateICmpULT(group.step > 0 ? highest : lowest, limit));
      inRange = builder.CreateAnd(inRange, builder.CreateICmpULT(minimum, limit));
      inRange = builder.CreateAnd(inRange, builder.CreateICmpULT(maximum, limit));
    }
    return inRange;
  }

  /**
   * `inRange` and, for every chosen pair, the two groups' byte ranges over the whole loop
   * do not overlap. Given `inRange`, every value here is exact (indices < 2^32, offsets <
   * 2^31), so signed compares of i64 are right.
   */
  Value* emitDisjointnessCheck(Instruction* at, Value* inRange, const std::vector<Group>& groups,
                               const std::vector<Value*>& lowestStarts,
                               const std::vector<std::pair<size_t, size_t>>& pairs) {
    IRBuilder<> builder(at);
    std::vector<Value*> firsts(groups.size()), ends(groups.size());
    auto bounds = [&](size_t i) {
      if (firsts[i]) return;
      const Group& group = groups[i];
      Value* span = builder.CreateMul(count_, ConstantInt::get(i64_, group.step, true), "ixv.span");
      Value* first = builder.CreateAdd(lowestStarts[i], ConstantInt::get(i64_, group.firstByte, true), "ixv.first");
      Value* end = builder.CreateAdd(lowestStarts[i], ConstantInt::get(i64_, group.endByte, true), "ixv.end");
      if (group.step > 0) {
        end = builder.CreateAdd(end, span, "ixv.end");
      } else {
        first = builder.CreateAdd(first, span, "ixv.first");
      }
      firsts[i] = first;
      ends[i] = end;
    };
    Value* check = inRange;
    for (auto [i, j] : pairs) {
      bounds(i);
      bounds(j);
      Value* before = builder.CreateICmpSLE(ends[i], firsts[j]);
      Value* after = builder.CreateICmpSLE(ends[j], firsts[i]);
      check = builder.CreateAnd(check, builder.CreateOr(before, after), "ixv.disjoint");
    }
    return check;
  }

  /** Clones `loop`: `preheader` branches to `loop` when `inRange`, else to the clone. */
  void version(Loop* loop, BasicBlock* preheader, BasicBlock* exiting, BasicBlock* exit, Value* inRange) {
    SmallVector<Instruction*, 8> usedOutside = findDefsUsedOutsideOfLoop(loop);
    SmallVector<BasicBlock*, 8> otherExits;  // guards' exits: the clone's guards leave there too
    loop->getUniqueExitBlocks(otherExits);
    otherExits.erase(std::remove(otherExits.begin(), otherExits.end(), exit), otherExits.end());
    BasicBlock* fastPreheader =
        SplitBlock(preheader, preheader->getTerminator(), &dominators_, &loops_, nullptr, loop->getHeader()->getName() + ".ixv.ph");
    ValueToValueMapTy map;
    SmallVector<BasicBlock*, 8> cloneBlocks;
    Loop* clone = cloneLoopWithPreheader(fastPreheader, preheader, loop, map, ".ixv.wrap", &loops_, &dominators_, cloneBlocks);
    remapInstructionsInBlocks(cloneBlocks, map);
    Instruction* branch = preheader->getTerminator();
    IRBuilder<>(branch).CreateCondBr(inRange, fastPreheader, clone->getLoopPreheader());
    branch->eraseFromParent();
    dominators_.changeImmediateDominator(exit, preheader);
    for (BasicBlock* other : otherExits) {
      for (PHINode& phi : other->phis()) {
        unsigned incoming = phi.getNumIncomingValues();
        for (unsigned i = 0; i < incoming; i++) {
          BasicBlock* from = phi.getIncomingBlock(i);
          if (!loop->contains(from)) continue;
          Value* value = phi.getIncomingValue(i);
          auto mapped = map.find(value);
          phi.addIncoming(mapped != map.end() ? static_cast<Value*>(mapped->second) : value, cast<BasicBlock>(map[from]));
        }
      }
    }
    if (!otherExits.empty()) dominators_.recalculate(function_);

    // Values of the loop used after it: LCSSA phis in `exit` take the clone's value too.
    BasicBlock* cloneExiting = cast<BasicBlock>(map[exiting]);
    for (Instruction* definition : usedOutside) {
      bool usedInExit = false;
      for (User* user : definition->users()) {
        if (cast<Instruction>(user)->getParent() == exit) usedInExit = true;
      }
      if (!otherExits.empty() && !usedInExit) continue;  // LCSSA: only the guards' exits use it
      bool hasPhi = false;
      for (PHINode& phi : exit->phis()) {
        if (phi.getIncomingValue(0) == definition) hasPhi = true;
      }
      if (hasPhi) continue;
      PHINode* phi = PHINode::Create(definition->getType(), 2, definition->getName() + ".ixv", exit->begin());
      SmallVector<User*, 8> outsideUsers;
      for (User* user : definition->users()) {
        if (!loop->contains(cast<Instruction>(user)->getParent())) outsideUsers.push_back(user);
      }
      for (User* user : outsideUsers) {
        if (user != phi) user->replaceUsesOfWith(definition, phi);
      }
      phi->addIncoming(definition, exiting);
    }
    for (PHINode& phi : exit->phis()) {
      Value* value = phi.getIncomingValueForBlock(exiting);
      auto mapped = map.find(value);
      phi.addIncoming(mapped != map.end() ? static_cast<Value*>(mapped->second) : value, cloneExiting);
    }
    formDedicatedExitBlocks(clone, &dominators_, &loops_, nullptr, /*PreserveLCSSA=*/true);
    formDedicatedExitBlocks(loop, &dominators_, &loops_, nullptr, /*PreserveLCSSA=*/true);
  }

  /**
   * In the checked loop, each zext becomes its group's i64 recurrence (a phi starting at the
   * group's lowest start, computed by the check) plus a constant offset; none of these
   * additions wraps, as the check showed.
   */
  void rewrite(Loop* loop, const std::vector<Group>& groups, const std::vector<Value*>& lowestStarts) {
    BasicBlock* header = loop->getHeader();
    BasicBlock* preheader = loop->getLoopPreheader();
    BasicBlock* latch = loop->getLoopLatch();
    for (size_t i = 0; i < groups.size(); i++) {
      const Group& group = groups[i];
      PHINode* lowest = PHINode::Create(i64_, 2, "ixv.iv", header->begin());
      Instruction* latchEnd = latch->getTerminator();
      Value* next = IRBuilder<>(latchEnd).CreateAdd(lowest, ConstantInt::get(i64_, group.step, true), "ixv.iv.next",
                                                    /*HasNUW=*/false, /*HasNSW=*/true);
      // nuw only for a positive step: adding a negative constant is an unsigned wrap.
      if (group.step > 0) cast<BinaryOperator>(next)->setHasNoUnsignedWrap(true);
      lowest->addIncoming(lowestStarts[i], preheader);
      lowest->addIncoming(next, latch);
      for (const Candidate& member : group.members) {
        Value* index = lowest;
        if (member.offset != group.lowest) {
          IRBuilder<> builder(member.extension);
          index = builder.CreateAdd(lowest, ConstantInt::get(i64_, member.offset - group.lowest), "ixv.index",
                                    /*HasNUW=*/true, /*HasNSW=*/true);
        }
        member.extension->replaceAllUsesWith(index);
        member.extension->eraseFromParent();
      }
    }
  }

  /**
   * Scoped no-alias metadata for the checked loop: each group is a scope, and an access of
   * a group does not alias the groups it was checked against. Alias analysis then puts the
   * groups in separate alias sets, so the vectoriser needs no overlap checks of its own
   * (which, with every address based on the one memory base, compare all pairs of
   * accesses, the interleaved ones of a single array too, and always fail).
   */
  void annotateScopes(std::vector<Group>* groups, const std::vector<std::pair<size_t, size_t>>& pairs) {
    MDBuilder builder(function_.getContext());
    MDNode* domain = builder.createAnonymousAliasScopeDomain("ixv");
    for (Group& group : *groups) group.scope = builder.createAnonymousAliasScope(domain);
    std::vector<SmallVector<Metadata*, 4>> disjointFrom(groups->size());
    for (auto [i, j] : pairs) {
      disjointFrom[i].push_back((*groups)[j].scope);
      disjointFrom[j].push_back((*groups)[i].scope);
    }
    for (size_t i = 0; i < groups->size(); i++) {
      Group& group = (*groups)[i];
      MDNode* scopes = MDNode::get(function_.getContext(), {group.scope});
      MDNode* noAlias = disjointFrom[i].empty() ? nullptr : MDNode::get(function_.getContext(), disjointFrom[i]);
      for (const Access& access : group.accesses) {
        Instruction* instruction = access.instruction;
        instruction->setMetadata(LLVMContext::MD_alias_scope,
                                 MDNode::concatenate(instruction->getMetadata(LLVMContext::MD_alias_scope), scopes));
        if (noAlias) {
          instruction->setMetadata(LLVMContext::MD_noalias,
                                   MDNode::concatenate(instruction->getMetadata(LLVMContext::MD_noalias), noAlias));
        }
      }
    }
  }

  /**
   * In the checked loop of a strided exit, the test becomes `++counter == trips` (the same
   * iteration, as the check proved), which scalar evolution and the vectoriser can count.
   */
  void rewriteExitTest(Loop* loop, const StridedExit& exit) {
    BasicBlock* header = loop->getHeader();
    BasicBlock* latch = loop->getLoopLatch();
    PHINode* counter = PHINode::Create(i64_, 2, "ixv.counter", header->begin());
    IRBuilder<> builder(exit.compare);
    Value* next = builder.CreateAdd(counter, ConstantInt::get(i64_, 1), "ixv.counter.next", /*HasNUW=*/true, /*HasNSW=*/true);
    counter->addIncoming(ConstantInt::get(i64_, 0), loop->getLoopPreheader());
    counter->addIncoming(next, latch);
    Value* test = builder.CreateICmp(exit.compare->getPredicate(), next, tripCount_, "ixv.exit");
    exit.compare->replaceAllUsesWith(test);
    if (exit.compare->use_empty()) exit.compare->eraseFromParent();
  }

  /**
   * A value loaded in one iteration and used in the next (GVN reuses a[i + 1] as the next
   * iteration's a[i]) is a first-order recurrence, which the vectoriser takes only when
   * every use of its phi comes after the load; in an unrolled loop a store to another
   * array often comes between. When the load's group is only read and was checked disjoint
   * from every group that is written, no store of the checked loop can change what it
   * reads, so the load and its address move to the top of the header.
   */
  void hoistCarriedLoads(Loop* loop, const std::vector<Group>& groups) {
    std::map<const Instruction*, const Group*> groupOfAccess;
    for (const Group& group : groups) {
      for (const Access& access : group.accesses) groupOfAccess[access.instruction] = &group;
    }
    BasicBlock* header = loop->getHeader();
    BasicBlock* latch = loop->getLoopLatch();
    SmallVector<Instruction*, 8> moves;
    SmallPtrSet<Instruction*, 8> moving;
    for (PHINode& phi : header->phis()) {
      auto* load = dyn_cast<LoadInst>(phi.getIncomingValueForBlock(latch));
      if (!load || load->getParent() != header) continue;
      auto found = groupOfAccess.find(load);
      if (found == groupOfAccess.end() || found->second->hasStore) continue;
      // Never above something that may not reach the load (a call that traps, throws or
      // does not return): the load could then trap where the original stopped otherwise.
      bool reached = true;
      for (Instruction* before = header->getFirstNonPHI(); before != load; before = before->getNextNode()) {
        if (!ReachesNext(before)) reached = false;
      }
      if (!reached) continue;
      SmallVector<Instruction*, 4> chain;
      if (!OperandChain(load, header, &chain)) continue;
      for (Instruction* instruction : chain) {
        if (moving.insert(instruction).second) moves.push_back(instruction);
      }
    }
    Instruction* position = header->getFirstNonPHI();
    while (position && moving.count(position)) position = position->getNextNode();
    if (!position) return;
    for (Instruction* instruction : moves) instruction->moveBefore(position);
  }

  /**
   * Whether execution always goes on to the next instruction: LLVM's rule, plus empty inline
   * assembly that cannot unwind (the translator's anchors of loaded values, which LLVM does
   * not know to return because they carry no `willreturn`).
   */
  static bool ReachesNext(const Instruction* instruction) {
    if (isGuaranteedToTransferExecutionToSuccessor(instruction)) return true;
    const auto* call = dyn_cast<CallBase>(instruction);
    if (!call || !call->doesNotThrow()) return false;
    const auto* assembly = dyn_cast<InlineAsm>(call->getCalledOperand());
    return assembly && assembly->getAsmString().empty();
  }

  /**
   * `value` after the header's non-phi instructions it depends on (GEPs, arithmetic,
   * casts: no memory access), in an order where each follows its operands; false when it
   * depends on anything else of the header.
   */
  static bool OperandChain(Instruction* value, BasicBlock* header, SmallVectorImpl<Instruction*>* chain) {
    for (Value* operand : value->operands()) {
      auto* instruction = dyn_cast<Instruction>(operand);
      if (!instruction || instruction->getParent() != header || isa<PHINode>(instruction)) continue;
      if (!isa<GetElementPtrInst>(instruction) && !isa<BinaryOperator>(instruction) && !isa<CastInst>(instruction)) {
        return false;
      }
      if (!OperandChain(instruction, header, chain)) return false;
    }
    if (std::find(chain->begin(), chain->end(), value) == chain->end()) chain->push_back(value);
    return true;
  }

  const IndexVersioningOptions& options_;
  Function& function_;
  const DataLayout& layout_;
  LoopInfo& loops_;
  DominatorTree& dominators_;
  ScalarEvolution& evolution_;
  AssumptionCache& assumptions_;
  Type* i64_;
  Value* count_ = nullptr;      // backedge-taken count as i64, set by emitCount / emitStridedCount
  Value* tripCount_ = nullptr;  // count_ + 1, set by emitStridedCount
};

}  // namespace

PreservedAnalyses ZextIndexVersioningPass::run(Function& function, FunctionAnalysisManager& analyses) {
  auto& loops = analyses.getResult<LoopAnalysis>(function);
  auto& dominators = analyses.getResult<DominatorTreeAnalysis>(function);
  auto& evolution = analyses.getResult<ScalarEvolutionAnalysis>(function);
  auto& assumptions = analyses.getResult<AssumptionAnalysis>(function);
  SmallVector<Loop*, 8> innermost;
  for (Loop* loop : loops.getLoopsInPreorder()) {
    if (loop->isInnermost()) innermost.push_back(loop);
  }
  LoopIndexVersioner versioner(options_, function, loops, dominators, evolution, assumptions);
  bool changed = false;
  for (Loop* loop : innermost) changed |= versioner.run(loop);
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

}  // namespace wasm_native
