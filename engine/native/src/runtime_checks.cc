// Stack and interrupt checks in generated code (runtime_checks.h). For every function with
// the attribute "wasm-runtime-checks" (abi.h ThreadLimits, execution_limits.cc):
//
//   entry (functions that still make calls after optimisation):
//     %word = load ptr, ptr addrspace(257) (tls + ThreadLimits.interruptWord)  ; %fs:…, invariant
//     if (rsp < load atomic monotonic %word) call @wasm_rt_check_slow(rsp)    ; cold, preserve_mostcc
//                                                  (the C convention in unoptimised code, for fast isel)
//   (the word is a stack limit that an interrupt raises to ~0, as V8's own: one compare
//   catches both; below V8's JavaScript limit the slow path finds no interrupt and returns)
//   head of every cycle (each target of a retreating edge of a depth-first search, so every
//   cycle has one, irreducible ones included):
//     if (load atomic monotonic %word > threshold) call @wasm_rt_check_slow(rsp)
//   except, after optimisation, at the header of an innermost loop whose work is bounded: no
//   calls (nor memory intrinsics) in it, a constant maximum trip count from scalar evolution,
//   and trip count × instructions at most kUnpolledLoopBudget, in a function without
//   irreducible cycles. Such a loop ends within about a millisecond, and the poll of the loop
//   around it (or the function's return) comes next; docs/RATIONALE.md, "Why may a bounded
//   inner loop have no interrupt poll?".
//
// Why here and not in the translator: emitted before optimisation, the checks would stop
// the loop vectoriser (it refuses loops with atomic loads and with more than one exit) and
// be duplicated into callers by inlining; inserted last, they cost one load, compare and
// branch per iteration of the loop the optimiser produced (per vector iteration when the
// loop was vectorised or unrolled) and one check per call that remains.
//
// The thread's ThreadLimits are an initial-exec thread-local variable of the addon, at the
// same offset from the thread pointer (%fs) on every thread: generated code reads it as
// %fs:offset, like compiled C++ does, with no argument to carry (an argument would be
// removed from internal functions by dead-argument elimination, and a vmctx is not in
// every function after optimisation either).
//
// The stack pointer compared is the one after the prologue allocated the frame, so a
// large frame is accounted for; leaf functions have no entry check, but every function
// gets "probe-stack"="inline-asm", so a frame of more than a page touches each page in
// order and cannot step over the guard page below the stack: the fault handler turns that
// into CallStackExhausted (signals.cc).

#include "runtime_checks.h"

#include <cstddef>

#include "abi.h"
#include "debug_switches.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

namespace wasm_native {
namespace {

/** wasm_rt_check_slow behind a register-preserving thunk (execution_limits.cc), called with preserve_mostcc. */
constexpr const char* kSlowPath = "wasm_rt_check_slow_preserving";
/**
 * wasm_rt_check_slow itself, with the C calling convention: for unoptimised code. Fast
 * instruction selection cannot select a preserve_mostcc call, so each one sent that
 * instruction to SelectionDAG; the fast register allocator keeps values in stack slots, so
 * the registers the thunk would preserve hold nothing worth keeping there.
 */
constexpr const char* kSlowPathC = "wasm_rt_check_slow";
constexpr const char* kTrap = "wasm_rt_trap";
/** LLVM's x86 address space for %fs-relative addresses. */
constexpr unsigned kFsAddressSpace = 257;

/** Whether `function` calls anything that may use the stack further (not intrinsics, not the trap). */
bool MakesCalls(llvm::Function& function) {
  for (llvm::BasicBlock& block : function) {
    for (llvm::Instruction& instruction : block) {
      auto* call = llvm::dyn_cast<llvm::CallBase>(&instruction);
      if (call == nullptr || call->isInlineAsm()) continue;
      llvm::Function* callee = call->getCalledFunction();
      if (callee != nullptr && (callee->isIntrinsic() || callee->getName() == kTrap)) continue;
      return true;
    }
  }
  return false;
}

/** An edge of the control-flow graph, source to target. */
using Edge = std::pair<llvm::BasicBlock*, llvm::BasicBlock*>;

/**
 * Targets of retreating edges of a depth-first search from the entry: every cycle contains
 * one. The retreating edges themselves go to `retreating` when it is given.
 */
llvm::SmallVector<llvm::BasicBlock*, 8> CycleHeads(llvm::Function& function, llvm::SmallVectorImpl<Edge>* retreating = nullptr) {
  enum : uint8_t { kUnvisited = 0, kOnPath = 1, kDone = 2 };
  llvm::DenseMap<llvm::BasicBlock*, uint8_t> state;
  llvm::SmallPtrSet<llvm::BasicBlock*, 8> seen;
  llvm::SmallVector<llvm::BasicBlock*, 8> heads;
  llvm::SmallVector<std::pair<llvm::BasicBlock*, unsigned>, 32> path;
  llvm::BasicBlock* entry = &function.getEntryBlock();
  state[entry] = kOnPath;
  path.push_back({entry, 0});
  while (!path.empty()) {
    llvm::BasicBlock* block = path.back().first;
    unsigned next = path.back().second;
    llvm::Instruction* terminator = block->getTerminator();
    unsigned successors = terminator != nullptr ? terminator->getNumSuccessors() : 0;
    if (next == successors) {
      state[block] = kDone;
      path.pop_back();
      continue;
    }
    path.back().second = next + 1;
    llvm::BasicBlock* successor = terminator->getSuccessor(next);
    uint8_t successorState = state.lookup(successor);
    if (successorState == kUnvisited) {
      state[successor] = kOnPath;
      path.push_back({successor, 0});
    } else if (successorState == kOnPath) {
      if (retreating != nullptr) retreating->push_back({block, successor});
      if (seen.insert(successor).second) heads.push_back(successor);
    }
  }
  return heads;
}

/**
 * Instructions an innermost loop without a poll may execute per entry: 2^18, about a
 * millisecond at one instruction per cycle, more with cache misses; the interrupt latency
 * such a loop adds before the next poll.
 */
constexpr uint64_t kUnpolledLoopBudget = uint64_t{1} << 18;

/** Whether `loop` calls nothing: no calls (inline asm and constant-time intrinsics aside), no memory intrinsics. */
bool CallFree(const llvm::Loop& loop) {
  for (llvm::BasicBlock* block : loop.blocks()) {
    for (llvm::Instruction& instruction : *block) {
      auto* call = llvm::dyn_cast<llvm::CallBase>(&instruction);
      if (call == nullptr || call->isInlineAsm()) continue;
      // memory.copy and memory.fill of up to 4 GiB per iteration are not bounded work.
      if (llvm::isa<llvm::MemIntrinsic>(call)) return false;
      llvm::Function* callee = call->getCalledFunction();
      if (callee == nullptr || !callee->isIntrinsic()) return false;
    }
  }
  return true;
}

/** Whether the work of innermost loop `loop` per entry is at most kUnpolledLoopBudget instructions. */
bool BoundedWork(const llvm::Loop& loop, llvm::ScalarEvolution& evolution) {
  const auto* maximum = llvm::dyn_cast<llvm::SCEVConstant>(evolution.getConstantMaxBackedgeTakenCount(&loop));
  if (maximum == nullptr || maximum->getAPInt().getActiveBits() > 32) return false;
  uint64_t iterations = maximum->getAPInt().getZExtValue() + 1;
  uint64_t instructions = 0;
  for (llvm::BasicBlock* block : loop.blocks()) instructions += block->size();
  return iterations * instructions <= kUnpolledLoopBudget;
}

/**
 * The cycle heads that need a poll: all of them, less the headers of innermost loops with
 * bounded work and no calls, when every retreating edge is a back edge (no irreducible cycle,
 * so every cycle through such a header stays inside its loop).
 */
llvm::SmallVector<llvm::BasicBlock*, 8> HeadsToPoll(llvm::Function& function, llvm::FunctionAnalysisManager& analyses) {
  llvm::SmallVector<Edge, 8> retreating;
  llvm::SmallVector<llvm::BasicBlock*, 8> heads = CycleHeads(function, &retreating);
  if (heads.empty()) return heads;
  llvm::DominatorTree& dominators = analyses.getResult<llvm::DominatorTreeAnalysis>(function);
  for (const Edge& edge : retreating) {
    if (!dominators.dominates(edge.second, edge.first)) return heads;
  }
  llvm::LoopInfo& loops = analyses.getResult<llvm::LoopAnalysis>(function);
  llvm::ScalarEvolution& evolution = analyses.getResult<llvm::ScalarEvolutionAnalysis>(function);
  llvm::SmallVector<llvm::BasicBlock*, 8> polled;
  for (llvm::BasicBlock* head : heads) {
    llvm::Loop* loop = loops.getLoopFor(head);
    bool exempt = loop != nullptr && loop->getHeader() == head && loop->isInnermost() && CallFree(*loop) &&
                  BoundedWork(*loop, evolution);
    if (!exempt) polled.push_back(head);
  }
  return polled;
}

/** Static allocas first in the entry block, so that code inserted after them keeps them static. */
void HoistStaticAllocas(llvm::BasicBlock& entry) {
  llvm::SmallVector<llvm::AllocaInst*, 16> allocas;
  for (llvm::Instruction& instruction : entry) {
    if (auto* alloca = llvm::dyn_cast<llvm::AllocaInst>(&instruction); alloca && alloca->isStaticAlloca()) {
      allocas.push_back(alloca);
    }
  }
  llvm::Instruction* first = &*entry.getFirstInsertionPt();
  for (llvm::AllocaInst* alloca : allocas) {
    if (alloca != first) alloca->moveBefore(first);
    first = alloca->getNextNode();
  }
}

class CheckInserter {
 public:
  CheckInserter(llvm::Function& function, bool optimized)
      : function_(function), context_(function.getContext()), module_(*function.getParent()), optimized_(optimized) {}

  void Run(int64_t tlsOffset, bool entryCheck, llvm::ArrayRef<llvm::BasicBlock*> heads) {
    tlsOffset_ = tlsOffset;
    llvm::BasicBlock& entry = function_.getEntryBlock();
    HoistStaticAllocas(entry);
    llvm::BasicBlock::iterator point = entry.getFirstInsertionPt();
    while (llvm::isa<llvm::AllocaInst>(*point)) ++point;
    llvm::IRBuilder<> builder(&entry, point);
    LoadLimits(builder);
    if (entryCheck) {
      llvm::Value* stackPointer = ReadStackPointer(builder);
      llvm::LoadInst* limit = builder.CreateAlignedLoad(builder.getInt64Ty(), word_, llvm::Align(8), "limit");
      limit->setAtomic(llvm::AtomicOrdering::Monotonic);  // written by other threads
      InsertSlowPath(builder.CreateICmpULT(stackPointer, limit, "entry.check"), &*builder.GetInsertPoint());
    }
    for (llvm::BasicBlock* head : heads) {
      llvm::IRBuilder<> atHead(head, head->getFirstInsertionPt());
      InsertSlowPath(InterruptPending(atHead), &*atHead.GetInsertPoint());
    }
  }

 private:
  /** `ptr addrspace(257)` (x86 %fs-relative) to the ThreadLimits field at `fieldOffset`. */
  llvm::Constant* ThreadLimitsField(size_t fieldOffset) {
    llvm::Type* int64 = llvm::Type::getInt64Ty(context_);
    return llvm::ConstantExpr::getIntToPtr(llvm::ConstantInt::get(int64, tlsOffset_ + static_cast<int64_t>(fieldOffset)),
                                           llvm::PointerType::get(context_, kFsAddressSpace));
  }

  void LoadLimits(llvm::IRBuilder<>& builder) {
    llvm::MDNode* empty = llvm::MDNode::get(context_, {});
    llvm::LoadInst* word = builder.CreateAlignedLoad(builder.getPtrTy(), ThreadLimitsField(offsetof(ThreadLimits, interruptWord)),
                                                     llvm::Align(8), "interrupt.word");
    word->setMetadata(llvm::LLVMContext::MD_invariant_load, empty);
    word->setMetadata(llvm::LLVMContext::MD_nonnull, empty);
    word_ = word;
  }

  llvm::Value* InterruptPending(llvm::IRBuilder<>& builder) {
    llvm::LoadInst* value = builder.CreateAlignedLoad(builder.getInt64Ty(), word_, llvm::Align(8), "interrupt");
    value->setAtomic(llvm::AtomicOrdering::Monotonic);  // written by other threads; never hoisted
    return builder.CreateICmpUGT(value, builder.getInt64(kInterruptThreshold), "interrupt.pending");
  }

  llvm::Value* ReadStackPointer(llvm::IRBuilder<>& builder) {
    llvm::Function* readRegister =
        llvm::Intrinsic::getDeclaration(&module_, llvm::Intrinsic::read_register, {builder.getInt64Ty()});
    llvm::Metadata* name = llvm::MDString::get(context_, "rsp");
    llvm::Value* argument = llvm::MetadataAsValue::get(context_, llvm::MDNode::get(context_, {name}));
    return builder.CreateCall(readRegister, {argument}, "sp");
  }

  /** if (condition) wasm_rt_check_slow(rsp), then continue at `before`. */
  void InsertSlowPath(llvm::Value* condition, llvm::Instruction* before) {
    llvm::MDNode* unlikely = llvm::MDBuilder(context_).createBranchWeights(1, 1 << 20);
    llvm::Instruction* slowTerminator = llvm::SplitBlockAndInsertIfThen(condition, before, false, unlikely);
    slowTerminator->getParent()->setName("runtime.check.slow");
    llvm::IRBuilder<> slow(slowTerminator);
    llvm::CallingConv::ID convention = optimized_ ? llvm::CallingConv::PreserveMost : llvm::CallingConv::C;
    llvm::FunctionCallee callee = module_.getOrInsertFunction(
        optimized_ ? kSlowPath : kSlowPathC, llvm::FunctionType::get(slow.getVoidTy(), {slow.getInt64Ty()}, false));
    if (auto* declaration = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
      declaration->addFnAttr(llvm::Attribute::Cold);
      declaration->setCallingConv(convention);
    }
    llvm::CallInst* call = slow.CreateCall(callee, {ReadStackPointer(slow)});
    call->setCallingConv(convention);
  }

  llvm::Function& function_;
  llvm::LLVMContext& context_;
  llvm::Module& module_;
  bool optimized_;
  int64_t tlsOffset_ = 0;
  llvm::Value* word_ = nullptr;
};

/**
 * What the IR passes inferred about a wasm function or a call to one before the checks
 * existed, and the checks make untrue: a wasm function may now trap, unwind to the invoke or
 * run the interrupt handler, directly or through its callees. A call left `memory(none)` with
 * its result unused is dead to fast instruction selection (FastISel drops it: an infinitely
 * recursive function returned instead of exhausting the stack in the quick top tier).
 */
constexpr llvm::Attribute::AttrKind kInferredBeforeChecks[] = {llvm::Attribute::Memory, llvm::Attribute::WillReturn,
                                                                llvm::Attribute::NoSync, llvm::Attribute::NoFree};

bool IsWasmFunction(const llvm::Function* function) {
  return function != nullptr && function->hasFnAttribute(kRuntimeChecksAttribute);
}

void ForgetInferredEffects(llvm::Function& function) {
  for (llvm::Attribute::AttrKind kind : kInferredBeforeChecks) function.removeFnAttr(kind);
  for (llvm::BasicBlock& block : function) {
    for (llvm::Instruction& instruction : block) {
      auto* call = llvm::dyn_cast<llvm::CallBase>(&instruction);
      if (call == nullptr || call->isInlineAsm()) continue;
      // Calls to wasm functions and to whatever is not defined here (other units, the runtime,
      // indirect calls); not to intrinsics or to other functions defined here.
      llvm::Function* callee = call->getCalledFunction();
      if (callee != nullptr && (callee->isIntrinsic() || (!callee->isDeclaration() && !IsWasmFunction(callee)))) continue;
      for (llvm::Attribute::AttrKind kind : kInferredBeforeChecks) call->removeFnAttr(kind);
    }
  }
}

}  // namespace

llvm::PreservedAnalyses RuntimeChecksPass::run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses) {
  if (function.isDeclaration() || !IsWasmFunction(&function)) {
    return llvm::PreservedAnalyses::all();
  }
  ForgetInferredEffects(function);
  function.addFnAttr("probe-stack", "inline-asm");
  bool entryCheck = !DebugDisabled("entry-checks") && MakesCalls(function);
  llvm::SmallVector<llvm::BasicBlock*, 8> heads;
  if (!DebugDisabled("loop-polls")) {
    // Optimised code only: at O0 locals live in memory, so no trip count is known anyway.
    bool exemptBoundedLoops = optimized_ && !DebugDisabled("bounded-loops");
    heads = exemptBoundedLoops ? HeadsToPoll(function, analyses) : CycleHeads(function);
  }
  if (entryCheck || !heads.empty()) CheckInserter(function, optimized_).Run(tlsOffset_, entryCheck, heads);
  return llvm::PreservedAnalyses::none();
}

}  // namespace wasm_native
