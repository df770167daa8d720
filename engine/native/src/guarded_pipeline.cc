// The guarded pipeline's IR surgery and the cancellation hooks (see guarded_pipeline.h and
// docs/RATIONALE.md, "Why a guarded pipeline, and which functions go to it?" and "What
// does cancelling a compile stop, and how soon?").

#include "guarded_pipeline.h"

#include <unordered_set>

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/BasicBlock.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/Local.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

namespace wasm_native {
namespace {

/** A local function or global referenced from the other side of the cut must be linkable. */
void MakeLinkable(llvm::GlobalValue* value) {
  if (!value->hasLocalLinkage()) return;
  value->setLinkage(llvm::GlobalValue::ExternalLinkage);
  value->setVisibility(llvm::GlobalValue::HiddenVisibility);
}

/** Global values `user` refers to, through constant expressions too. */
void CollectReferencedGlobals(const llvm::User* user, llvm::SmallPtrSetImpl<const llvm::Constant*>& visited,
                              llvm::SmallPtrSetImpl<llvm::GlobalValue*>& found) {
  for (const llvm::Use& use : user->operands()) {
    auto* constant = llvm::dyn_cast<llvm::Constant>(use.get());
    if (constant == nullptr || !visited.insert(constant).second) continue;
    if (auto* global = llvm::dyn_cast<llvm::GlobalValue>(constant)) {
      found.insert(global);
    } else {
      CollectReferencedGlobals(constant, visited, found);
    }
  }
}

/** Drops the names of arguments, blocks and instructions: memory and time the copy need not spend. */
void DropLocalNames(llvm::Function& function) {
  for (llvm::Argument& argument : function.args()) argument.setName("");
  for (llvm::BasicBlock& block : function) {
    block.setName("");
    for (llvm::Instruction& instruction : block) {
      if (instruction.hasName()) instruction.setName("");
    }
  }
}

size_t InstructionCount(const llvm::Function& function) {
  size_t count = 0;
  for (const llvm::BasicBlock& block : function) count += block.size();
  return count;
}

bool StartsPieceOfBlock(const llvm::Instruction& instruction) {
  return !llvm::isa<llvm::PHINode>(instruction) && !llvm::isa<llvm::AllocaInst>(instruction) &&
         !instruction.isEHPad() && !instruction.isTerminator();
}

/** Cuts `block` into pieces of about kGuardedBlockInstructions, from its end (each cut moves one piece). */
void CutLongBlock(llvm::BasicBlock& block) {
  if (block.size() <= kGuardedBlockInstructions) return;
  llvm::SmallVector<llvm::Instruction*, 64> cuts;
  unsigned sinceCut = 0;
  for (llvm::Instruction& instruction : block) {
    if (++sinceCut > kGuardedBlockInstructions && StartsPieceOfBlock(instruction)) {
      cuts.push_back(&instruction);
      sinceCut = 0;
    }
  }
  for (auto cut = cuts.rbegin(); cut != cuts.rend(); ++cut) block.splitBasicBlock(*cut, "piece");
}

/** A new i32 slot per demoted phi lives in the entry block; demotion stores in the predecessors. */
void DemoteWidePhis(llvm::Function& function) {
  llvm::SmallVector<llvm::PHINode*, 8> wide;
  for (llvm::BasicBlock& block : function) {
    for (llvm::PHINode& phi : block.phis()) {
      if (phi.getNumIncomingValues() > kGuardedPhiEdges) wide.push_back(&phi);
    }
  }
  llvm::Instruction* slotPoint = &*function.getEntryBlock().getFirstInsertionPt();
  for (llvm::PHINode* phi : wide) llvm::DemotePHIToStack(phi, slotPoint->getIterator());
}

class CodegenCancellationPass : public llvm::FunctionPass {
 public:
  static char ID;
  explicit CodegenCancellationPass(CompileCancellation* cancellation)
      : llvm::FunctionPass(ID), cancellation_(cancellation) {}

  llvm::StringRef getPassName() const override { return "wasm-llvm-jit: stop code generation when cancelled"; }

  void getAnalysisUsage(llvm::AnalysisUsage& usage) const override { usage.setPreservesAll(); }

  bool runOnFunction(llvm::Function& function) override {
    if (done_ || !cancellation_->IsCancelled()) return false;
    done_ = true;
    // The pass manager goes through the module's functions in order: those after this one
    // have not been compiled yet, and a declaration is skipped.
    llvm::Module* module = function.getParent();
    for (auto it = std::next(function.getIterator()); it != module->end(); ++it) {
      if (!it->isDeclaration()) it->deleteBody();
    }
    return false;
  }

 private:
  CompileCancellation* cancellation_;
  bool done_ = false;
};

char CodegenCancellationPass::ID = 0;

}  // namespace

std::unique_ptr<llvm::Module> SplitOffFunctions(std::unique_ptr<llvm::Module>* whole,
                                                const std::vector<std::string>& symbols, bool keepNames,
                                                std::string* error) {
  llvm::Module& module = **whole;
  llvm::SmallPtrSet<const llvm::Function*, 16> moved;
  size_t movedInstructions = 0;
  for (const std::string& symbol : symbols) {
    llvm::Function* function = module.getFunction(symbol);
    if (function == nullptr || function->isDeclaration()) {
      *error = "guarded function " + symbol + " is not defined in module " + module.getModuleIdentifier();
      return nullptr;
    }
    if (!moved.insert(function).second) continue;
    if (!keepNames) DropLocalNames(*function);
    movedInstructions += InstructionCount(*function);
  }
  // Whatever the moved functions reference, and the moved functions themselves (the rest of
  // the module may call them), must be linkable by name from the other object.
  llvm::SmallPtrSet<const llvm::Constant*, 32> visited;
  llvm::SmallPtrSet<llvm::GlobalValue*, 32> referenced;
  for (const llvm::Function* function : moved) {
    for (const llvm::BasicBlock& block : *function) {
      for (const llvm::Instruction& instruction : block) CollectReferencedGlobals(&instruction, visited, referenced);
    }
  }
  for (llvm::GlobalValue* global : referenced) MakeLinkable(global);
  for (const llvm::Function* function : moved) MakeLinkable(const_cast<llvm::Function*>(function));

  // Copy whichever side is smaller (a hostile module may be one huge guarded function);
  // `module` keeps the other side's definitions.
  size_t remainingInstructions = 0;
  for (const llvm::Function& function : module) {
    if (!function.isDeclaration() && moved.count(&function) == 0) remainingInstructions += InstructionCount(function);
  }
  bool copyMoved = movedInstructions <= remainingInstructions;
  llvm::ValueToValueMapTy map;
  std::unique_ptr<llvm::Module> copy = llvm::CloneModule(module, map, [&](const llvm::GlobalValue* global) {
    bool isMoved = llvm::isa<llvm::Function>(global) && moved.count(llvm::cast<llvm::Function>(global)) != 0;
    return copyMoved ? isMoved : !isMoved;
  });
  for (llvm::Function& function : module) {
    if (function.isDeclaration()) continue;
    bool isMoved = moved.count(&function) != 0;
    if (copyMoved ? isMoved : !isMoved) function.deleteBody();
  }
  if (!copyMoved) {
    // The copy of the rest defines the global variables now.
    for (llvm::GlobalVariable& global : module.globals()) {
      if (global.isDeclaration()) continue;
      global.setInitializer(nullptr);
      global.setLinkage(llvm::GlobalValue::ExternalLinkage);
    }
  }
  std::string name = module.getModuleIdentifier();
  std::unique_ptr<llvm::Module> guarded;
  if (copyMoved) {
    guarded = std::move(copy);
  } else {
    guarded = std::move(*whole);
    *whole = std::move(copy);
  }
  (*whole)->setModuleIdentifier(name);
  guarded->setModuleIdentifier(name + ".guarded");
  return guarded;
}

void PrepareGuardedModule(llvm::Module& module) {
  for (llvm::Function& function : module) {
    if (function.isDeclaration()) continue;
    DemoteWidePhis(function);
    // Blocks added by cutting come right after the block cut, so iterate over a snapshot.
    llvm::SmallVector<llvm::BasicBlock*, 64> blocks;
    for (llvm::BasicBlock& block : function) blocks.push_back(&block);
    for (llvm::BasicBlock* block : blocks) CutLongBlock(*block);
  }
}

void MarkFunctionsNoUnwind(llvm::Module& module) {
  for (llvm::Function& function : module) {
    if (!function.isDeclaration()) function.setDoesNotThrow();
  }
}

void SkipPassesWhenCancelled(llvm::PassInstrumentationCallbacks& callbacks, CompileCancellation* cancellation) {
  callbacks.registerShouldRunOptionalPassCallback(
      [cancellation](llvm::StringRef, llvm::Any) { return !cancellation->IsCancelled(); });
}

llvm::Pass* CreateCodegenCancellationPass(CompileCancellation* cancellation) {
  return new CodegenCancellationPass(cancellation);
}

}  // namespace wasm_native
